import { formatNumber } from '../report/html-escape.js';
import { lineChart } from '../report/plot-spec.js';
import type { ExperimentResult } from './common.js';
import { compareRuns, type Comparison } from './compare.js';
import { formatInterval, intervalOf, meanCurve, type Interval } from './intervals.js';
import { fromRecord, type RunRecord } from './run-records.js';
import { alignCurves, type StepRun } from './step-runner.js';

/*
 * The input-scaling experiment's verdicts, in test RMSE (EUR). A variant
 * "fails" when it diverges or its RMSE interval does not get below 90 % of
 * predicting the mean, and "trains" when the whole interval is below half of
 * it. Two variants are compared seed by seed and with a paired bootstrap
 * over the test cars of the RMSE difference: the noise check behind "which
 * scaling ends lower".
 */

export const VARIANTS = ['raw', 'min-max', 'standardized', 'raw + BN layer'] as const;
export type Variant = (typeof VARIANTS)[number];

export interface ScalingData {
  seeds: number[];
  epochs: number;
  perEpoch: number;
  priceStd: number;
  baselineRmse: number;
  cars: number;
  nTrain: number;
  /** Per variant, per seed; squared errors per test car in standardized units (null after a divergence). */
  runs: Record<Variant, { record: RunRecord; squaredErrors: number[] | null }[]>;
}

const eur = (v: number) => `${formatNumber(v, 3)} EUR`;
const signedEur = (v: number) => `${v >= 0 ? '+' : '−'}${formatNumber(Math.abs(v), 2)} EUR`;

interface Summary {
  runs: StepRun[];
  diverged: number[];
  rmse: Interval;
  state: 'fails' | 'trains' | 'unclear';
}

export function inputScalingReport(d: ScalingData): ExperimentResult {
  const n = d.seeds.length;
  const rmseOf = (e: number[] | null) => (e === null ? Number.NaN : Math.sqrt(e.reduce((a, b) => a + b, 0) / e.length) * d.priceStd);
  const summaries = Object.fromEntries(VARIANTS.map((v) => {
    const runs = d.runs[v].map((r) => fromRecord(r.record));
    const diverged = runs.filter((r) => r.divergedAt !== null).map((r) => r.divergedAt!);
    const rmse = intervalOf(diverged.length > 0 ? [] : d.runs[v].map((r) => rmseOf(r.squaredErrors)));
    const fails = diverged.length === n || (Number.isFinite(rmse.lower) && rmse.lower > 0.9 * d.baselineRmse);
    const trains = diverged.length === 0 && Number.isFinite(rmse.upper) && rmse.upper < 0.5 * d.baselineRmse;
    return [v, { runs, diverged, rmse, state: fails ? 'fails' : trains ? 'trains' : 'unclear' }];
  })) as Record<Variant, Summary>;
  const compare = (a: Variant, b: Variant): Comparison => compareRuns(a, b, 'test RMSE', d.runs[a].map((r) => ({ value: rmseOf(r.squaredErrors), perExample: r.squaredErrors ?? undefined })),
    d.runs[b].map((r) => ({ value: rmseOf(r.squaredErrors), perExample: r.squaredErrors ?? undefined })), { seeds: d.seeds, formatDifference: signedEur, squaredErrors: { scale: d.priceStd } });
  const scalings = compare('min-max', 'standardized');
  const bnVsStandardized = compare('raw + BN layer', 'standardized');
  const describe = (v: Variant) => {
    const s = summaries[v];
    if (s.diverged.length === n) return `${v} inputs: the loss became non-finite in all ${n} seeds (at step ${s.diverged.join(', ')}; epoch ${Math.ceil(Math.max(...s.diverged) / d.perEpoch)} at the latest): exploding gradients.`;
    if (s.diverged.length > 0) return `${v} inputs: diverged in ${s.diverged.length} of ${n} seeds (at step ${s.diverged.join(', ')}).`;
    return `${v} inputs: test RMSE ${formatInterval(s.rmse, eur)} after ${d.epochs} epochs (${s.state === 'fails' ? 'no better than predicting the mean: it did not learn' : s.state === 'trains' ? 'less than half the error of predicting the mean' : 'between the two thresholds'}).`;
  };
  const conclusion = VARIANTS.map(describe);
  conclusion.push(`Predicting the training mean for every test car gives ${eur(d.baselineRmse)}; the generated prices carry 2 EUR of noise, so about 2 EUR is the best possible.`);
  const rawFails = summaries.raw.state === 'fails';
  const scaledTrain = (['min-max', 'standardized'] as const).filter((v) => summaries[v].state === 'trains');
  conclusion.push(rawFails && scaledTrain.length === 2
    ? 'This agrees with the article: on raw inputs (km is 10,000 times larger than age) the network fails in every seed, while min-max and standardized inputs train with the same learning rate.'
    : `This run does not fully match the article's claim: raw inputs ${rawFails ? 'fail' : 'do not fail in every seed'}, and ${scaledTrain.length ? scaledTrain.join(' and ') : 'neither scaling'} train${scaledTrain.length === 1 ? 's' : ''} in every seed.`);
  const bnState = summaries['raw + BN layer'].state;
  conclusion.push(bnState === 'trains'
    ? `A BatchNormalization layer on the raw inputs also trains (${formatInterval(summaries['raw + BN layer'].rmse, eur)}): normalizing inside the network does the job of normalizing the data, as the article's intuition for BN says. Against standardized inputs: ${bnVsStandardized.text}`
    : `A BatchNormalization layer on the raw inputs does not train reliably here (${describe('raw + BN layer')}), against the article's intuition that BN does inside the network what input scaling does outside.`);
  conclusion.push(`Which scaling ends lower (the noise check): ${scalings.text}`);
  const short = (v: Variant) => (summaries[v].diverged.length > 0 ? `diverged in ${summaries[v].diverged.length}/${n} seeds` : formatInterval(summaries[v].rmse, eur));
  const headline = `test RMSE, raw inputs: ${short('raw')}; min-max ${short('min-max')}; standardized ${short('standardized')} (min-max − standardized ${formatInterval({ ...scalings.difference, n }, signedEur)}: ${scalings.larger === 'none' ? `not distinguishable with ${n} seeds` : scalings.larger === 'a' ? 'min-max higher' : 'min-max lower'}); raw + BN layer ${short('raw + BN layer')} (${n} seeds; predicting the mean: ${eur(d.baselineRmse)})`;
  const series = VARIANTS.map((v) => {
    const { xs, perSeed } = alignCurves(summaries[v].runs, (c) => Math.sqrt(c.evalLoss) * d.priceStd);
    return { name: v === 'raw + BN layer' ? v : `${v} inputs`, points: meanCurve(xs.map((x) => x / d.perEpoch), perSeed) };
  });
  const mainPlot = lineChart(series, {
    title: 'Test RMSE per epoch', subtitle: `mean of ${n} seeds, 95 % t-band; a cross marks an epoch where a run had diverged`,
    x: { title: 'epoch' }, y: { title: 'test RMSE (EUR, log scale)', log: true },
  });
  return {
    title: 'Experiment: does input normalization matter?',
    claim: 'unscaled inputs make training unstable; scaling fixes it',
    summary: `Generated car-rental prices from age (0-30 years) and mileage (0-300,000 km); an MLP 2-16-16-1 (ReLU) trained with SGD on raw, min-max scaled and standardized inputs, and on raw inputs through a BatchNormalization layer; ${n} seeds each on the same data.`,
    sections: [{
      heading: 'Test error per epoch',
      plots: [mainPlot],
      tables: [
        { header: ['inputs', 'final test RMSE (mean [95 % t-interval])', 'diverged in', 'state'], rows: VARIANTS.map((v) => [v, Number.isFinite(summaries[v].rmse.mean) ? formatInterval(summaries[v].rmse, eur) : '-', `${summaries[v].diverged.length}/${n}`, summaries[v].state]) },
        { caption: 'Paired comparisons (same seeds, same test cars)', header: ['comparison', 'RMSE difference', 'bootstrap over test cars', 'verdict'],
          rows: [['min-max − standardized', scalings], ['raw + BN layer − standardized', bnVsStandardized]].map(([name, c]) => {
            const cc = c as Comparison;
            return [name as string, formatInterval({ ...cc.difference, n }, signedEur), cc.bootstrap ? `[${signedEur(cc.bootstrap.lower)}, ${signedEur(cc.bootstrap.upper)}]` : '-', cc.larger === 'a' ? 'higher' : cc.larger === 'b' ? 'lower' : 'not distinguishable'];
          }) },
      ],
    }],
    mainPlot,
    conclusion,
    headline,
    metrics: { baselineRmse: d.baselineRmse, variants: Object.fromEntries(VARIANTS.map((v) => [v, { rmse: summaries[v].rmse, diverged: summaries[v].diverged, state: summaries[v].state }])), comparisons: { scalings, bnVsStandardized } },
  };
}
