import { median } from '@batchwise/stats';
import { formatNumber } from '../report/html-escape.js';
import { lineChart, panelGrid, type PlotSeries, type PlotSpec } from '../report/plot-spec.js';
import { pct, type ExperimentResult } from './common.js';
import { compareRuns, compareValues, points, type Comparison } from './compare.js';
import { formatInterval, intervalOf, meanCurve } from './intervals.js';
import { fromRecord, type RunRecord } from './run-records.js';
import { finalAccuracy } from './step-runner.js';
import { PERCENTILES } from './unit-inputs.js';

/*
 * The covariate-shift experiment's verdicts. Each measurement over time is
 * summarized per seed by its median over the training measurements (step 0,
 * the untrained network, left out), then BN and plain are compared seed by
 * seed: differences for cosines and shifts in widths, ratios (a t-interval
 * of log ratios) for quantities that span orders of magnitude.
 */

export interface ShiftRun {
  record: RunRecord;
  /** The plotted unit's percentiles at each evaluation. */
  track: { step: number[]; p15: number[]; p50: number[]; p85: number[] };
  /** Per unit: net shift of each percentile, in 15-85 widths (unit-inputs.ts relativeShifts). */
  units: { p15: number[]; p50: number[]; p85: number[] };
  /** Santurkar et al.'s measures at each evaluation (landscape.ts). */
  probes: {
    step: number[];
    loss: number[];
    gradientNorm: number[];
    lossVariation: number[];
    gradientChange: number[];
    betaSmoothness: number[];
    shift: { layer: number; l2: number[]; relative: number[]; cosine: number[] }[];
  };
}

export interface ShiftData {
  unit: number;
  lr: number;
  seeds: number[];
  steps: number;
  probeImages: number;
  landscapeSteps: number[];
  runs: Record<'plain' | 'bn', ShiftRun[]>;
}

const VARIANTS = ['plain', 'bn'] as const;
const NAME = { plain: 'without BN', bn: 'with BN' } as const;
const f3 = (v: number) => formatNumber(v, 3);
const ratio = (v: number) => `${formatNumber(Math.exp(v), 3)}x`;
const signed = (v: number) => `${v >= 0 ? '+' : '−'}${formatNumber(Math.abs(v), 3)}`;

/** Median over the training measurements (step > 0) of one series. */
function timeMedian(steps: readonly number[], values: readonly (number | null)[]): number {
  const kept = values.filter((v, i) => steps[i] > 0 && v !== null && Number.isFinite(v)) as number[];
  return kept.length === 0 ? Number.NaN : median(kept);
}

function verdictWord(c: Comparison, smaller: string, larger: string): string {
  if (c.larger === 'b') return smaller;
  if (c.larger === 'a') return larger;
  return `not distinguishable with ${c.seeds} seeds${c.seedsNeeded === null ? '' : ` (about ${c.seedsNeeded} needed)`}`;
}

function curves(d: ShiftData, pick: (r: ShiftRun) => number[]): PlotSeries[] {
  return VARIANTS.map((v, i) => {
    const runs = d.runs[v];
    return { name: NAME[v], dashed: i === 1, points: meanCurve(runs[0].probes.step, runs.map(pick)) };
  });
}

export function covariateShiftReport(d: ShiftData): ExperimentResult {
  const n = d.seeds.length;
  const o = { seeds: d.seeds, formatDifference: f3 };
  const logOf = (v: number) => Math.log(v);
  const perSeed = (v: 'plain' | 'bn', pick: (r: ShiftRun) => number) => d.runs[v].map(pick);
  // BN first: a difference or log ratio > 0 means larger with BN.
  const cmp = (metric: string, pick: (r: ShiftRun) => number, log = false) => {
    const [b, p] = [perSeed('bn', pick), perSeed('plain', pick)];
    return log
      ? compareValues('with BN', 'without BN', metric, b.map(logOf), p.map(logOf), { ...o, formatDifference: ratio })
      : compareValues('with BN', 'without BN', metric, b, p, { ...o, formatDifference: signed });
  };
  const layerMedian = (r: ShiftRun, q: 'p15' | 'p50' | 'p85') => median(r.units[q]);
  const distribution = (['p15', 'p50', 'p85'] as const).map((q) => ({ q, c: cmp(`the layer's median net shift of the ${q.slice(1)}th percentile (in 15-85 widths)`, (r) => layerMedian(r, q)) }));
  const layers = d.runs.plain[0].probes.shift.map((s) => s.layer);
  const ics = layers.map((layer, i) => ({
    layer,
    cosine: cmp(`cos(G, G') of dense layer ${layer}`, (r) => timeMedian(r.probes.step, r.probes.shift[i].cosine)),
    relative: cmp(`||G - G'|| / ||G|| of dense layer ${layer}`, (r) => timeMedian(r.probes.step, r.probes.shift[i].relative), true),
    l2: cmp(`||G - G'|| of dense layer ${layer}`, (r) => timeMedian(r.probes.step, r.probes.shift[i].l2), true),
  }));
  const landscape = {
    lossVariation: cmp('the loss variation along the gradient', (r) => timeMedian(r.probes.step, r.probes.lossVariation), true),
    gradientChange: cmp('the gradient change along the gradient', (r) => timeMedian(r.probes.step, r.probes.gradientChange), true),
    betaSmoothness: cmp('the effective beta-smoothness', (r) => timeMedian(r.probes.step, r.probes.betaSmoothness), true),
  };
  const runs = { plain: d.runs.plain.map((r) => fromRecord(r.record)), bn: d.runs.bn.map((r) => fromRecord(r.record)) };
  const value = (r: ReturnType<typeof fromRecord>) => ({ value: finalAccuracy(r), perExample: r.finalCorrect ?? undefined });
  const accuracy = compareRuns('with BN', 'without BN', 'final test accuracy', runs.bn.map(value), runs.plain.map(value), { seeds: d.seeds, formatDifference: points });
  const seedMedian = (v: 'plain' | 'bn', q: 'p15' | 'p50' | 'p85') => intervalOf(d.runs[v].map((r) => layerMedian(r, q)));

  const conclusion: string[] = [];
  conclusion.push('The claim (the article, after Ioffe & Szegedy): BN keeps the mean and spread of each layer\'s inputs fixed (beta and gamma), so the layers above see a stable distribution while the layers below change, and that is why it helps. Two measurements follow, each with and without BN over the same seeds.');
  conclusion.push(`1. The distribution, as the paper's figure 1(b, c): net shift of the 15th/50th/85th percentile of each last-layer sigmoid's input, from the first training evaluation to step ${d.steps}, in units of its own 15-85 width; the median over the 100 units, then the mean over seeds: without BN ${PERCENTILES.map((_, i) => formatInterval(seedMedian('plain', (['p15', 'p50', 'p85'] as const)[i]), f3)).join(' / ')}, with BN ${PERCENTILES.map((_, i) => formatInterval(seedMedian('bn', (['p15', 'p50', 'p85'] as const)[i]), f3)).join(' / ')}. ` +
    distribution.map(({ q, c }) => `${q}: with BN − without ${formatInterval({ ...c.difference, n }, signed)}, BN ${verdictWord(c, 'shifts less', 'shifts MORE')}`).join('; ') + '. ' +
    'Caveat: with BN the probed input is BN\'s output normalized with the probe\'s own batch statistics, whose mean over the probe is exactly beta, so the median follows beta almost by construction and the tails follow gamma; this measure cannot separate "less shift" from "beta moves little".');
  const icsLess = ics.filter((x) => x.relative.larger === 'b').map((x) => x.layer);
  const icsMore = ics.filter((x) => x.relative.larger === 'a').map((x) => x.layer);
  conclusion.push(`2. Internal covariate shift as Santurkar et al. (2018) define it: how much a layer's gradient G changes (to G') when the layers before it take their SGD step on the same batch, median over the run. ` +
    ics.map((x) => `Dense layer ${x.layer}: cos(G, G') ${formatInterval(intervalOf(perSeed('bn', (r) => timeMedian(r.probes.step, r.probes.shift[layers.indexOf(x.layer)].cosine))), f3)} with BN vs ${formatInterval(intervalOf(perSeed('plain', (r) => timeMedian(r.probes.step, r.probes.shift[layers.indexOf(x.layer)].cosine))), f3)} without (difference ${formatInterval({ ...x.cosine.difference, n }, signed)}: ${verdictWord(x.cosine, 'lower with BN, i.e. more shift', 'higher with BN, i.e. less shift')}); ||G − G'||/||G|| BN/plain ${formatInterval({ ...x.relative.difference, n }, ratio)} (${verdictWord(x.relative, 'less shift with BN', 'MORE shift with BN')}).`).join(' ') +
    ` So by this measure BN has less internal covariate shift in ${icsLess.length ? `layer${icsLess.length > 1 ? 's' : ''} ${icsLess.join(', ')}` : 'no layer'}${icsMore.length ? ` and more in layer${icsMore.length > 1 ? 's' : ''} ${icsMore.join(', ')}` : ''}.`);
  const smoother = [landscape.lossVariation, landscape.gradientChange, landscape.betaSmoothness].filter((c) => c.larger === 'b').length;
  const rougher = [landscape.lossVariation, landscape.gradientChange, landscape.betaSmoothness].filter((c) => c.larger === 'a').length;
  conclusion.push(`3. The loss landscape along the gradient (Santurkar et al., figure 4), at steps of ${d.landscapeSteps.join(', ')} x the learning rate, median over the run, BN/plain: loss variation ${formatInterval({ ...landscape.lossVariation.difference, n }, ratio)} (${verdictWord(landscape.lossVariation, 'smaller with BN', 'LARGER with BN')}), gradient change ${formatInterval({ ...landscape.gradientChange.difference, n }, ratio)} (${verdictWord(landscape.gradientChange, 'smaller with BN', 'LARGER with BN')}), effective beta-smoothness ${formatInterval({ ...landscape.betaSmoothness.difference, n }, ratio)} (${verdictWord(landscape.betaSmoothness, 'smaller with BN', 'LARGER with BN')}).`);
  const distributionLess = distribution.filter((x) => x.c.larger === 'b').length;
  conclusion.push(`What this says about the explanation: ${distributionLess === 3 ? 'the figure-1 measure agrees with the claim at all three percentiles' : distributionLess > 0 ? `the figure-1 measure agrees with the claim at ${distributionLess} of 3 percentiles` : 'the figure-1 measure does not show less shift with BN'}, but it is nearly circular with BN (see 1). ` +
    (icsLess.length === layers.length ? 'The gradient-based measure also finds less shift with BN in every layer, so here it supports the covariate-shift explanation. '
      : icsLess.length === 0 ? 'The gradient-based measure, which is not circular, finds no layer with less shift with BN: the data do not support "BN helps because it reduces internal covariate shift", as Santurkar et al. also found. '
        : `The gradient-based measure finds less shift with BN only in some layers (${icsLess.join(', ')}), so its support for the explanation is partial. `) +
    (smoother === 3 ? 'The landscape is smoother with BN on all three measures, which is Santurkar et al.\'s alternative explanation.'
      : rougher === 3 ? `On all three landscape measures the loss is measurably ROUGHER along the gradient with BN, the opposite of Santurkar et al.'s figure 4 (a VGG network on CIFAR-10): on this sigmoid MLP at learning rate ${d.lr}, these measurements support neither explanation. (These measures are taken in the raw weights at the same learning rate; with BN the loss does not depend on the scale of the weights before a BN layer, so the two networks' steps are not the same move.)`
        : `The landscape is smoother with BN on ${smoother} of the 3 measures and rougher on ${rougher}: ${smoother > rougher ? 'partial support for' : 'no support for'} Santurkar et al.'s alternative explanation.`));
  conclusion.push(`Final test accuracy: ${formatInterval(intervalOf(runs.bn.map(finalAccuracy)), pct)} with BN, ${formatInterval(intervalOf(runs.plain.map(finalAccuracy)), pct)} without; ${accuracy.text}`);
  const mid = Math.floor(layers.length / 2);
  const headline = `gradient change from updating the layers below (Santurkar et al.), layer ${layers[mid]}: ||G − G'||/||G|| with BN / without ${formatInterval({ ...ics[mid].relative.difference, n }, ratio)} (${verdictWord(ics[mid].relative, 'less shift with BN', 'more shift with BN')}); loss variation along the gradient ${formatInterval({ ...landscape.lossVariation.difference, n }, ratio)} (${verdictWord(landscape.lossVariation, 'smoother with BN', 'rougher with BN')}); figure-1 median shift (nearly circular with BN), with BN − without: ${formatInterval({ ...distribution[1].c.difference, n }, signed)}, ${verdictWord(distribution[1].c, 'smaller with BN', 'larger with BN')} (${n} seeds)`;

  const seed0 = d.seeds[0];
  const fig1 = panelGrid(VARIANTS.map((v) => {
    const t = d.runs[v][0].track;
    return lineChart(PERCENTILES.map((p, i) => ({ name: `${p}th percentile`, colorIndex: i, points: t.step.map((x, k) => ({ x, y: [t.p15, t.p50, t.p85][i][k] })) })),
      { title: NAME[v], x: { title: 'training step (log)', log: true }, y: { title: 'input to the sigmoid' }, panel: true, width: 300, height: 220 });
  }), { title: `Input to sigmoid unit ${d.unit} of hidden layer 3, seed ${seed0} (paper figure 1b,c; step 0 is off the log axis)`, columns: 2 });
  const icsPlot = (title: string, pick: (r: ShiftRun, i: number) => number[], log: boolean, yTitle: string): PlotSpec => panelGrid(layers.map((layer, i) => lineChart(curves(d, (r) => pick(r, i)), {
    title: `dense layer ${layer}`, x: { title: 'training step (log)', log: true }, y: { title: yTitle, log }, panel: true, width: 240, height: 200,
  })), { title, columns: layers.length });
  const cosinePlot = icsPlot(`Santurkar et al.'s internal covariate shift: cos(G, G') (1 = no shift; mean of ${n} seeds, 95 % t-band)`, (r, i) => r.probes.shift[i].cosine, false, "cos(G, G')");
  const relativePlot = icsPlot("||G − G'|| / ||G|| (0 = no shift; log scale)", (r, i) => r.probes.shift[i].relative, true, 'relative change');
  const landscapePlot = panelGrid([
    lineChart(curves(d, (r) => r.probes.lossVariation), { title: 'loss variation', x: { title: 'training step (log)', log: true }, y: { title: 'max − min loss', log: true }, panel: true, width: 240, height: 200 }),
    lineChart(curves(d, (r) => r.probes.gradientChange), { title: 'gradient change', x: { title: 'training step (log)', log: true }, y: { title: 'max ||g − g(η)||', log: true }, panel: true, width: 240, height: 200 }),
    lineChart(curves(d, (r) => r.probes.betaSmoothness), { title: 'effective β-smoothness', x: { title: 'training step (log)', log: true }, y: { title: 'max ||g − g(η)|| / ||η g||', log: true }, panel: true, width: 240, height: 200 }),
  ], { title: `Loss landscape along the gradient, steps η = ${d.landscapeSteps.join(', ')} x lr (Santurkar et al. fig. 4; lower = smoother)`, columns: 3, shared: ['x'] });
  const table = (rows: { name: string; c: Comparison; fmt: (v: number) => string }[]) => ({
    header: ['measure', 'with BN − without (or ratio)', 'p', 'verdict'],
    rows: rows.map((r) => [r.name, formatInterval({ ...r.c.difference, n }, r.fmt), formatNumber(r.c.difference.pValue, 2), r.c.larger === 'a' ? 'larger with BN' : r.c.larger === 'b' ? 'smaller with BN' : `not distinguishable${r.c.seedsNeeded === null ? '' : ` (about ${r.c.seedsNeeded} seeds needed)`}`]),
  });
  return {
    title: 'Experiment: does Batch Norm reduce internal covariate shift?',
    claim: 'BN reduces internal covariate shift',
    summary: `MNIST, 3 hidden layers of 100 sigmoid units, batch 60, SGD lr ${d.lr}, ${d.steps} steps, ${n} seeds, with and without BN: the distribution of the last hidden layer's sigmoid inputs (Ioffe & Szegedy 2015, figure 1b,c) and the gradient-based measures of Santurkar et al. 2018.`,
    sections: [
      {
        heading: 'Santurkar et al.: gradient change caused by the layers below',
        paragraphs: ['G is a dense layer\'s kernel gradient on a batch; G\' is the same gradient after every layer before it took its SGD step on that batch (their definition 2.1). Medians over the run, compared seed by seed (95 % t-intervals; ratios from log ratios).'],
        plots: [cosinePlot, relativePlot],
        tables: [table(ics.flatMap((x) => [
          { name: `layer ${x.layer}: cos(G, G')`, c: x.cosine, fmt: signed },
          { name: `layer ${x.layer}: ||G − G'|| / ||G||`, c: x.relative, fmt: ratio },
          { name: `layer ${x.layer}: ||G − G'||`, c: x.l2, fmt: ratio },
        ]))],
      },
      {
        heading: 'Santurkar et al.: smoothness of the loss along the gradient',
        plots: [landscapePlot],
        tables: [table([
          { name: 'loss variation', c: landscape.lossVariation, fmt: ratio },
          { name: 'gradient change', c: landscape.gradientChange, fmt: ratio },
          { name: 'effective β-smoothness', c: landscape.betaSmoothness, fmt: ratio },
        ])],
      },
      {
        heading: 'Ioffe & Szegedy: percentiles of a sigmoid\'s input',
        paragraphs: [`Every unit of the last hidden layer is measured over the first ${d.probeImages} test images; the plot shows unit ${d.unit} of the first seed, the table the median over all units, per seed, then over seeds.`],
        plots: [fig1],
        tables: [table(distribution.map(({ q, c }) => ({ name: `net shift of the ${q.slice(1)}th percentile (widths)`, c, fmt: signed })))],
      },
    ],
    mainPlot: cosinePlot,
    conclusion,
    headline,
    metrics: { distribution, ics, landscape, accuracy },
  };
}
