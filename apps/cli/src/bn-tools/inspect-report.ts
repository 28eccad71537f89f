import { checkTable, ratioFactor, type BatchNormInspection, type LayerInspection } from '@batchwise/layers';
import type { Report, ReportSection, ReportTable } from '../report/html-report.js';
import { lineChart, type PlotSeries, type PlotSpec } from '../report/plot-spec.js';

/*
 * The tables and the HTML report of `batchwise inspect`: per batch norm and
 * feature, the statistics inference feeds it over the data against its
 * moving statistics, flagged features, and the train/eval check of the
 * first batch, with a conclusion written from those numbers.
 */

export const LAYER_HEADER = ['layer', 'features', 'updates', 'worst feature', 'mean gap', 'var ratio', 'flags'] as const;

const fixed = (v: number, digits = 3) => (Number.isFinite(v) ? v.toFixed(digits) : String(v));

export function layerRows(r: BatchNormInspection): string[][] {
  return r.layers.map((l) => [
    l.layer, String(l.dataMean.length), l.updates === null ? '?' : String(l.updates),
    String(l.worst.feature), fixed(l.worst.meanGap), `${fixed(l.worst.varianceRatio)}x`,
    l.flags.length === 0 ? '-' : `${l.flags.length} (${[...new Set(l.flags.map((f) => f.kind))].join(', ')})`,
  ]);
}

/** One line on the train/eval check of the first batch. */
export function checkLine(r: BatchNormInspection): string {
  const agreement = r.check.agreement[0];
  return (
    `train vs inference mode on the first ${r.check.batchSize} examples: output divergence ${fixed(r.check.outputDivergence[0])}` +
    (agreement === null ? '' : `, same arg-max class for ${(agreement * 100).toFixed(1)} % of them`)
  );
}

function featurePlots(l: LayerInspection): PlotSpec[] {
  const byFeature = (a: ArrayLike<number>) => Array.from(a, (y, x) => ({ x, y }));
  const plot = (title: string, yLabel: string, series: PlotSeries[], logY = false) =>
    lineChart(series, { title, x: { title: 'feature' }, y: { title: yLabel, log: logY }, markers: true, height: 260 });
  return [
    plot('mean per feature', 'mean', [{ name: 'data', points: byFeature(l.dataMean) }, { name: 'moving', points: byFeature(l.movingMean), dashed: true }]),
    plot('variance per feature', 'variance (log)', [{ name: 'data', points: byFeature(l.dataVariance) }, { name: 'moving', points: byFeature(l.movingVariance), dashed: true }], true),
    plot('gap per feature', 'gap', [
      { name: 'mean gap (sd)', points: byFeature(l.meanGap) },
      { name: 'var factor - 1', points: byFeature(Array.from(l.varianceRatio, (v) => ratioFactor(v) - 1)) },
    ]),
  ];
}

function layerSection(l: LayerInspection): ReportSection {
  const paragraphs = [
    `${l.count} values per feature over the data; the moving statistics have had ${l.updates === null ? 'an unknown number of' : l.updates} updates (momentum ${l.momentum}).` +
      ` Worst feature ${l.worst.feature}: mean off by ${fixed(l.worst.meanGap)} moving standard deviations, variance ${fixed(ratioFactor(l.worst.varianceRatio))}x off.`,
    ...(l.staleness ? [l.staleness] : []),
  ];
  const tables: ReportTable[] = l.flags.length === 0 ? [] : [{ caption: 'Flagged features', header: ['feature', 'flag', 'value', 'what'], rows: l.flags.map((f) => [String(f.feature), f.kind, fixed(f.value, 4), f.message]) }];
  return { heading: `Layer ${l.layer}`, paragraphs, plots: featurePlots(l), tables };
}

/** The conclusion, from the measured numbers. */
export function conclusionFor(r: BatchNormInspection): string[] {
  const out: string[] = [];
  const stale = r.layers.filter((l) => l.staleness !== null);
  const diverging = r.check.layers.filter((l) => l.causes.length > 0);
  const flagged = r.layers.filter((l) => l.flags.length > 0);
  if (stale.length > 0) out.push(`${stale.length} of ${r.layers.length} batch norms have moving statistics that were never or barely updated (${stale.map((l) => l.layer).join(', ')}).`);
  if (diverging.length > 0) {
    for (const l of diverging) out.push(`${l.layer} diverges between training and inference mode by ${fixed(l.divergence)}: ${l.causes[0].message}`);
  } else {
    out.push(`Training and inference mode agree on the first batch (largest layer divergence ${fixed(Math.max(0, ...r.check.layers.map((l) => l.divergence)))}).`);
  }
  const worst = r.layers.reduce<LayerInspection | null>((a, l) => (a === null || l.worst.meanGap > a.worst.meanGap ? l : a), null);
  if (worst) out.push(`Over all the data, the largest mean gap is ${fixed(worst.worst.meanGap)} moving standard deviations (${worst.layer}, feature ${worst.worst.feature}).`);
  if (flagged.length > 0) out.push(`Flagged features: ${flagged.map((l) => `${l.layer} ${l.flags.length}`).join(', ')} (see the layer sections).`);
  if (stale.length > 0 || diverging.some((l) => l.causes.some((c) => c.kind !== 'batch-too-small' && c.kind !== 'distribution-shift'))) {
    out.push('`batchwise recalibrate` recomputes the moving statistics exactly over the training data.');
  }
  return out;
}

export function inspectReport(r: BatchNormInspection, modelLabel: string, dataLabel: string, meta: [string, string][]): Report {
  const check: ReportSection = {
    heading: 'Training versus inference mode',
    paragraphs: [checkLine(r), ...r.check.layers.flatMap((l) => l.causes.map((c) => `${l.layer}: ${c.message}`))],
    tables: [{ caption: 'Per layer on the first batch (mean gap in moving standard deviations, worst feature)', ...checkTable(r.check) }],
  };
  return {
    title: `Batch norms of ${modelLabel}`,
    summary: `Every batch-norm layer of ${modelLabel} against ${dataLabel}: what inference feeds each layer, over the data, versus its moving statistics; and one batch in training versus inference mode.`,
    meta,
    sections: [
      { heading: 'Summary', tables: [{ caption: 'Data statistics versus moving statistics, worst feature per layer', header: LAYER_HEADER, rows: layerRows(r) }] },
      check,
      ...r.layers.map(layerSection),
    ],
    conclusion: conclusionFor(r),
  };
}
