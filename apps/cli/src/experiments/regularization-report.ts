import { pairedDifferences } from '@batchwise/stats';
import { lineChart, panelGrid } from '../report/plot-spec.js';
import { pct, type ExperimentResult } from './common.js';
import { compareRuns, compareValues, points, type Comparison } from './compare.js';
import { unpackBits } from './correctness.js';
import { formatInterval, intervalOf, LEVEL, meanCurve, type Interval } from './intervals.js';

/*
 * The regularization experiment's verdicts. The gap is train accuracy minus
 * test accuracy, both in inference mode. It is reported over the whole run
 * (mean and interval per epoch, and the paired BN - plain difference per
 * epoch), at the last epoch, and at each network's own best-validation
 * epoch (the epoch early stopping would keep), so no single stopping point
 * decides the verdict.
 */

export const REG_VARIANTS = ['plain', 'BN', 'dropout', 'BN + dropout'] as const;
export type RegVariant = (typeof REG_VARIANTS)[number];

export interface RegRun {
  seed: number;
  /** Accuracy per evaluation, epoch 0 (before training) first. */
  train: number[];
  validation: number[];
  test: number[];
  /** Test correctness (packed bits) at the best-validation epoch and at the last. */
  bestCorrect: string;
  finalCorrect: string;
}

export interface RegData {
  seeds: number[];
  epochs: number;
  testImages: number;
  runs: Record<RegVariant, RegRun[]>;
}

/** The earliest epoch (>= 1) with the highest validation accuracy. */
export function bestEpoch(r: RegRun): number {
  let best = 1;
  for (let e = 2; e < r.validation.length; e++) if (r.validation[e] > r.validation[best]) best = e;
  return best;
}

const gapAt = (r: RegRun, e: number) => r.train[e] - r.test[e];
const PAIRS: [RegVariant, RegVariant, string][] = [
  ['BN', 'plain', 'BN alone'],
  ['dropout', 'plain', 'dropout alone'],
  ['BN + dropout', 'dropout', 'BN on top of dropout'],
];

function word(c: Comparison): string {
  return c.larger === 'a' ? 'wider' : c.larger === 'b' ? 'narrower' : `not distinguishable with ${c.seeds} seeds${c.seedsNeeded === null ? '' : ` (about ${c.seedsNeeded} needed)`}`;
}

export function regularizationReport(d: RegData): ExperimentResult {
  const n = d.seeds.length;
  const last = d.epochs;
  const o = { seeds: d.seeds, formatDifference: points };
  const at = (v: RegVariant, pick: (r: RegRun) => number) => d.runs[v].map(pick);
  const gapBest = (v: RegVariant) => at(v, (r) => gapAt(r, bestEpoch(r)));
  const gapLast = (v: RegVariant) => at(v, (r) => gapAt(r, last));
  const iv = (values: number[]): Interval => intervalOf(values);
  const best = PAIRS.map(([a, b, what]) => ({ a, b, what, c: compareValues(a, b, 'the gap at the best-validation epoch', gapBest(a), gapBest(b), o) }));
  const end = PAIRS.map(([a, b, what]) => ({ a, b, what, c: compareValues(a, b, `the gap at epoch ${last}`, gapLast(a), gapLast(b), o) }));
  const testAt = (v: RegVariant) => d.runs[v].map((r) => ({ value: r.test[bestEpoch(r)], perExample: unpackBits(r.bestCorrect, d.testImages) }));
  const testBest = PAIRS.map(([a, b]) => ({ a, b, c: compareRuns(a, b, 'test accuracy at the best-validation epoch', testAt(a), testAt(b), o) }));
  // BN - plain gap per epoch, paired by seed: where over the run is it wider, narrower, or neither?
  const perEpoch = Array.from({ length: last }, (_, k) => {
    const e = k + 1;
    const dd = pairedDifferences(at('BN', (r) => gapAt(r, e)), at('plain', (r) => gapAt(r, e)), { level: LEVEL });
    return { epoch: e, mean: dd.interval.mean, lower: dd.interval.lower, upper: dd.interval.upper };
  });
  const wider = perEpoch.filter((x) => x.lower > 0).length;
  const narrower = perEpoch.filter((x) => x.upper < 0).length;
  const conclusion: string[] = [];
  conclusion.push(`Gap (train − test accuracy) at each network's best-validation epoch, mean [95 % t-interval] over ${n} seeds: ${REG_VARIANTS.map((v) => `${v} ${formatInterval(iv(gapBest(v)), pct)} (epoch ${formatInterval(iv(at(v, bestEpoch)), (x) => x.toFixed(1))}, test ${formatInterval(iv(at(v, (r) => r.test[bestEpoch(r)])), pct)})`).join('; ')}.`);
  conclusion.push(`At epoch ${last}: ${REG_VARIANTS.map((v) => `${v} ${formatInterval(iv(at(v, (r) => r.train[last])), pct)} train / ${formatInterval(iv(at(v, (r) => r.test[last])), pct)} test, gap ${formatInterval(iv(gapLast(v)), pct)}`).join('; ')}.`);
  for (let i = 0; i < PAIRS.length; i++) {
    const { what, c } = best[i];
    conclusion.push(`${what[0].toUpperCase()}${what.slice(1)}: the gap at the best-validation epoch is ${word(c)} (${formatInterval({ ...c.difference, n }, points)}); at epoch ${last} it is ${word(end[i].c)} (${formatInterval({ ...end[i].c.difference, n }, points)}). Test accuracy at the best-validation epoch: ${testBest[i].c.text}`);
  }
  conclusion.push(`Over the run, BN's gap is measurably wider than the plain network's in ${wider} of ${last} epochs, narrower in ${narrower}, and not distinguishable in ${last - wider - narrower} (paired t per epoch, ${n} seeds; not corrected for looking at ${last} epochs).`);
  const bn = best[0].c;
  const drop = best[1].c;
  const both = best[2].c;
  conclusion.push(bn.larger === 'b'
    ? 'So BN alone regularizes here: its gap is narrower, as the claim says.'
    : bn.larger === 'a'
      ? 'So BN alone does NOT regularize on this small set: its gap is wider, against the claim (the article does say the effect is small).'
      : 'So BN alone has no measurable regularizing effect on this small set (the article does say the effect is small).');
  conclusion.push(`Dropout alone ${drop.larger === 'b' ? 'narrows the gap measurably' : drop.larger === 'a' ? 'widens the gap' : 'does not change the gap measurably'}; adding BN to dropout ${both.larger === 'b' ? 'narrows it further: the two add up, as the article suggests' : both.larger === 'a' ? 'widens it again: here BN undoes part of dropout\'s effect' : 'makes no measurable difference'}.`);
  const headline = `gap at each network's best-validation epoch: plain ${formatInterval(iv(gapBest('plain')), pct)}, BN ${formatInterval(iv(gapBest('BN')), pct)} (BN − plain ${formatInterval({ ...bn.difference, n }, points)}: BN ${word(bn).replace(/ \(.*\)$/, '')}), dropout ${formatInterval(iv(gapBest('dropout')), pct)}, BN + dropout ${formatInterval(iv(gapBest('BN + dropout')), pct)} (${n} seeds)`;
  const epochs = Array.from({ length: last + 1 }, (_, e) => e);
  const gapCurve = (v: RegVariant, pick: (r: RegRun, e: number) => number) => meanCurve(epochs.slice(1), d.runs[v].map((r) => epochs.slice(1).map((e) => pick(r, e))));
  const mainPlot = lineChart(REG_VARIANTS.map((v, i) => ({ name: v, colorIndex: i, points: gapCurve(v, gapAt) })), {
    title: 'Generalization gap (train − test accuracy)', subtitle: `mean of ${n} seeds, 95 % t-band`, x: { title: 'epoch' }, y: { title: 'gap', percent: true },
  });
  const differencePlot = lineChart([{ name: 'BN − plain', points: perEpoch.map((x) => ({ x: x.epoch, y: x.mean, lower: x.lower, upper: x.upper })) }], {
    title: 'Gap difference BN − plain, paired by seed', subtitle: 'above 0: BN overfits more; 95 % t-band', x: { title: 'epoch' }, y: { title: 'gap difference', percent: true, zero: true },
  });
  const accuracyPlot = panelGrid(REG_VARIANTS.map((v) => lineChart([
    { name: 'train', points: gapCurve(v, (r, e) => r.train[e]) },
    { name: 'validation', dashed: true, points: gapCurve(v, (r, e) => r.validation[e]) },
    { name: 'test', dashed: true, colorIndex: 2, points: gapCurve(v, (r, e) => r.test[e]) },
  ], { title: v, x: { title: 'epoch' }, y: { title: 'accuracy', percent: true }, panel: true, width: 220, height: 180 })), { title: `Accuracy per epoch (mean of ${n} seeds, 95 % t-band)`, columns: 4 });
  const row = (what: string, c: Comparison) => [what, formatInterval({ ...c.difference, n }, points), c.difference.pValue.toPrecision(2), word(c)];
  return {
    title: 'Experiment: does Batch Norm regularize?',
    claim: 'BN regularizes a little; usually combined with dropout',
    summary: `MLP 784-256-256-10 (ReLU), Adam, on a small Fashion-MNIST training set: plain, with BN, with dropout, and with both; ${n} seeds each. Train accuracy is measured in inference mode on the whole training set; a separate validation set picks each network's best epoch.`,
    sections: [
      { heading: 'The gap over training', plots: [mainPlot, differencePlot, accuracyPlot] },
      {
        heading: 'Gap at the best-validation epoch and at the end',
        tables: [
          {
            header: ['network', 'best-validation epoch', 'gap there', 'test accuracy there', `gap at epoch ${last}`],
            rows: REG_VARIANTS.map((v) => [v, formatInterval(iv(at(v, bestEpoch)), (x) => x.toFixed(1)), formatInterval(iv(gapBest(v)), pct), formatInterval(iv(at(v, (r) => r.test[bestEpoch(r)])), pct), formatInterval(iv(gapLast(v)), pct)]),
          },
          {
            caption: 'Paired comparisons of the gap (same seeds): positive = the first overfits more',
            header: ['comparison', 'difference', 'p', 'verdict'],
            rows: PAIRS.flatMap(([a, b], i) => [row(`${a} − ${b}, best-validation epoch`, best[i].c), row(`${a} − ${b}, epoch ${last}`, end[i].c)]),
          },
        ],
      },
    ],
    mainPlot,
    conclusion,
    headline,
    metrics: { bestEpochComparisons: best, endComparisons: end, testAtBest: testBest, gapDifferenceByEpoch: perEpoch },
  };
}
