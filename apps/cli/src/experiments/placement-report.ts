import { lineChart, panelGrid } from '../report/plot-spec.js';
import { pct, type ExperimentResult } from './common.js';
import { compareRuns, compareValues, points, type Comparison } from './compare.js';
import { formatInterval, intervalOf, meanCurve, meanOf } from './intervals.js';
import { fromRecord, type RunRecord } from './run-records.js';
import { alignCurves, finalAccuracy, type StepRun } from './step-runner.js';

/*
 * The placement experiment's verdicts. The end is the end: the test accuracy
 * of the last evaluation, compared seed by seed and on the same test images.
 * Speed is separate: the test accuracy at the first evaluation at or after a
 * quarter of the budget.
 */

export const NETS = ['MLP', 'CNN'] as const;
export const PLACES = ['before', 'after'] as const;
export type Net = (typeof NETS)[number];
export type Place = (typeof PLACES)[number];

export interface PlacementData {
  seeds: number[];
  steps: number;
  runs: Record<`${Net} ${Place}`, RunRecord[]>;
}

/** The accuracy at the first evaluation at or after a quarter of the steps. */
function earlyAccuracy(r: StepRun, steps: number): { step: number; accuracy: number } {
  const point = r.curve.find((c) => c.step >= steps / 4) ?? r.curve[r.curve.length - 1];
  return { step: point.step, accuracy: point.evalAccuracy };
}

function verdict(c: Comparison): string {
  return c.larger === 'a' ? 'before is higher' : c.larger === 'b' ? 'after is higher'
    : c.reason === 'test-set' ? 'not distinguishable (the seeds agree; the test set does not settle it)'
      : `not distinguishable with ${c.seeds} seeds${c.seedsNeeded === null ? '' : `; about ${c.seedsNeeded} would be needed`}`;
}

export function placementReport(d: PlacementData): ExperimentResult {
  const n = d.seeds.length;
  const runs = Object.fromEntries(Object.entries(d.runs).map(([k, rs]) => [k, rs.map(fromRecord)])) as Record<`${Net} ${Place}`, StepRun[]>;
  const o = { seeds: d.seeds, formatDifference: points };
  const value = (r: StepRun) => ({ value: finalAccuracy(r), perExample: r.finalCorrect ?? undefined });
  const early = (k: `${Net} ${Place}`) => runs[k].map((r) => earlyAccuracy(r, d.steps));
  const earlyStep = early('MLP before')[0]?.step ?? 0;
  const byNet = Object.fromEntries(NETS.map((kind) => [kind, {
    end: compareRuns('before', 'after', 'final test accuracy', runs[`${kind} before`].map(value), runs[`${kind} after`].map(value), o),
    early: compareValues('before', 'after', `test accuracy at step ${earlyStep}`, early(`${kind} before`).map((x) => x.accuracy), early(`${kind} after`).map((x) => x.accuracy), o),
  }])) as Record<Net, { end: Comparison; early: Comparison }>;
  const endOf = (k: `${Net} ${Place}`) => intervalOf(runs[k].map(finalAccuracy));
  const earlyOf = (k: `${Net} ${Place}`) => intervalOf(early(k).map((x) => x.accuracy));
  const conclusion: string[] = [];
  for (const kind of NETS) {
    const { end, early: speed } = byNet[kind];
    conclusion.push(`${kind}: final test accuracy (step ${d.steps}) ${formatInterval(endOf(`${kind} before`), pct)} with BN before the activation, ${formatInterval(endOf(`${kind} after`), pct)} after it; ${end.text} ` +
      `Speed: at step ${earlyStep}, ${formatInterval(earlyOf(`${kind} before`), pct)} before vs ${formatInterval(earlyOf(`${kind} after`), pct)} after (${formatInterval({ ...speed.difference, n }, points)}: ${verdict(speed)}).`);
  }
  const ends = NETS.map((k) => byNet[k].end.larger);
  conclusion.push(ends.every((x) => x === 'none')
    ? 'At the end neither network measurably cares where BN goes within this budget: the article\'s text (before) and its code (after) train equally well here, as far as these seeds can tell.'
    : ends.some((x) => x === 'b')
      ? `At the end, BN after the activation does better for ${NETS.filter((k) => byNet[k].end.larger === 'b').join(' and ')}, against the paper's placement (the paper argues from the distribution of Wu, not from accuracy).`
      : `Where the placement measurably matters at the end (${NETS.filter((k) => byNet[k].end.larger === 'a').join(' and ')}), the paper's placement (before the activation, as the article's text says) wins; the article's code examples put BN after it.`);
  const headline = `final test accuracy, before − after: ${NETS.map((k) => `${k} ${formatInterval({ ...byNet[k].end.difference, n }, points)} (${verdict(byNet[k].end).replace(/;.*$/, '').replace(/ \(.*\)$/, '')})`).join(', ')}; at step ${earlyStep}: ${NETS.map((k) => `${k} ${formatInterval({ ...byNet[k].early.difference, n }, points)}`).join(', ')} (${n} seeds)`;
  const panels = NETS.map((kind) => lineChart(PLACES.map((place, i) => {
    const { xs, perSeed } = alignCurves(runs[`${kind} ${place}`], (c) => c.evalAccuracy);
    return { name: `BN ${place} the activation`, dashed: i === 1, points: meanCurve(xs, perSeed) };
  }), { title: kind, x: { title: 'training step (log)', log: true }, y: { title: 'test accuracy', percent: true }, panel: true, width: 300, height: 220 }));
  const mainPlot = panelGrid(panels, { title: `Test accuracy, BN before (solid) or after (dashed) the activation (mean of ${n} seeds, 95 % t-band)`, columns: 2 });
  return {
    title: 'Experiment: Batch Norm before or after the activation?',
    claim: 'BN goes before the activation (the article\'s text) / after it (its code)',
    summary: `Fashion-MNIST, Adam, ${d.steps} steps per network, ${n} seeds: BN between the linear map (no bias) and ReLU, versus after ReLU (linear map with bias), for an MLP and a CNN.`,
    sections: [{
      heading: 'Both networks',
      plots: [mainPlot],
      tables: [{
        header: ['network', 'placement', `test accuracy at step ${earlyStep}`, `final (step ${d.steps})`, 'per seed (final)', 'seconds per run'],
        rows: NETS.flatMap((kind) => PLACES.map((p) => [kind, `BN ${p} the activation`, formatInterval(earlyOf(`${kind} ${p}`), pct), formatInterval(endOf(`${kind} ${p}`), pct),
          runs[`${kind} ${p}`].map((r) => pct(finalAccuracy(r))).join(', '), meanOf(runs[`${kind} ${p}`].map((r) => r.seconds)).toFixed(1)])),
      }, {
        caption: 'Paired comparisons, before − after (same seeds, same test images)',
        header: ['network', 'measure', 'difference', 'bootstrap over test images', 'McNemar mid-p per seed', 'verdict'],
        rows: NETS.flatMap((kind) => [
          [kind, 'final', formatInterval({ ...byNet[kind].end.difference, n }, points), byNet[kind].end.bootstrap ? `[${points(byNet[kind].end.bootstrap!.lower)}, ${points(byNet[kind].end.bootstrap!.upper)}]` : '-',
            byNet[kind].end.mcnemar?.map((m) => m.midP.toPrecision(2)).join(', ') ?? '-', verdict(byNet[kind].end)],
          [kind, `step ${earlyStep}`, formatInterval({ ...byNet[kind].early.difference, n }, points), '-', '-', verdict(byNet[kind].early)],
        ]),
      }],
    }],
    mainPlot,
    conclusion,
    headline,
    metrics: { earlyStep, comparisons: byNet, final: Object.fromEntries(Object.keys(runs).map((k) => [k, endOf(k as `${Net} ${Place}`)])) },
  };
}
