import { lineChart } from '../report/plot-spec.js';
import { pct, type ExperimentResult } from './common.js';
import { compareRuns, points, type Comparison } from './compare.js';
import { formatInterval, intervalOf, type Interval } from './intervals.js';
import type { ActivationName } from './networks.js';
import { fromRecord, type RunRecord } from './run-records.js';
import { finalAccuracy, type StepRun } from './step-runner.js';

/*
 * The learning-rate sweep's verdicts. Each run is judged on the tail of its
 * curve, the mean test accuracy of the evaluations in the last quarter of
 * the steps (one evaluation can be a lucky or unlucky point): it diverges
 * if its loss became non-finite, stalls if the tail mean is below
 * STALL_ACCURACY, and trains otherwise. A learning rate gets an outcome only
 * when every seed agrees; otherwise it is "mixed" and the counts say how.
 */

/** Below this tail accuracy a run counts as stalled (chance is 10 %). */
export const STALL_ACCURACY = 0.3;
/** The tail: evaluations at or after this fraction of the steps. */
export const TAIL_FROM = 0.75;

export interface LearningRateData {
  rates: number[];
  activation: ActivationName;
  seeds: number[];
  steps: number;
  /** Per variant, per rate (in `rates` order), per seed. */
  runs: Record<'plain' | 'bn', RunRecord[][]>;
}

type Outcome = 'trains' | 'stalls' | 'diverges';

interface RateResult {
  rate: number;
  outcomes: Outcome[];
  outcome: Outcome | 'mixed';
  /** Tail accuracy per seed (NaN for a diverged run) and its interval over seeds (when none diverged). */
  tails: number[];
  tail: Interval;
  runs: StepRun[];
}

function tailAccuracy(run: StepRun, steps: number): number {
  if (run.divergedAt !== null) return Number.NaN;
  const tail = run.curve.filter((c) => c.step > 0 && c.step >= TAIL_FROM * steps);
  return tail.reduce((a, c) => a + c.evalAccuracy, 0) / tail.length;
}

function rateResult(rate: number, runs: StepRun[], steps: number): RateResult {
  const tails = runs.map((r) => tailAccuracy(r, steps));
  const outcomes: Outcome[] = runs.map((r, k) => (r.divergedAt !== null ? 'diverges' : tails[k] < STALL_ACCURACY ? 'stalls' : 'trains'));
  const outcome = outcomes.every((x) => x === outcomes[0]) ? outcomes[0] : 'mixed';
  return { rate, outcomes, outcome, tails, tail: intervalOf(tails.some((t) => !Number.isFinite(t)) ? [] : tails), runs };
}

function outcomeText(r: RateResult): string {
  if (r.outcome === 'diverges') return `diverges in every seed (at step ${r.runs.map((x) => x.divergedAt).join(', ')})`;
  const counts = (['trains', 'stalls', 'diverges'] as const).map((o) => [o, r.outcomes.filter((x) => x === o).length] as const).filter(([, n]) => n > 0);
  const what = r.outcome === 'mixed' ? `mixed: ${counts.map(([o, n]) => `${o} in ${n}`).join(', ')} of ${r.outcomes.length} seeds` : `${r.outcome} in every seed`;
  // Seeds that split into training and stalling make a two-humped sample: a t-interval of it is no summary (it can pass 100 %), the seeds are.
  if (r.outcome === 'mixed') return `${what}, tail accuracy per seed ${r.tails.map((t) => (Number.isFinite(t) ? pct(t) : 'diverged')).join(', ')}`;
  return Number.isFinite(r.tail.mean) ? `${what}, tail accuracy ${formatInterval(r.tail, pct)}` : what;
}

/** Runs of consecutive rates (in sweep order) that train, as "0.01-0.3". */
function ranges(results: readonly RateResult[]): string {
  const out: string[] = [];
  let start: number | null = null;
  results.forEach((r, i) => {
    if (r.outcome === 'trains' && start === null) start = r.rate;
    const ends = r.outcome === 'trains' && (i === results.length - 1 || results[i + 1].outcome !== 'trains');
    if (ends) {
      out.push(start === r.rate ? String(r.rate) : `${start}–${r.rate}`);
      start = null;
    }
  });
  return out.length === 0 ? 'none of the rates tried' : out.join(' and ');
}

export function learningRateReport(d: LearningRateData): ExperimentResult {
  const runs = { plain: d.runs.plain.map((rs) => rs.map(fromRecord)), bn: d.runs.bn.map((rs) => rs.map(fromRecord)) };
  const results = {
    plain: d.rates.map((rate, i) => rateResult(rate, runs.plain[i], d.steps)),
    bn: d.rates.map((rate, i) => rateResult(rate, runs.bn[i], d.steps)),
  };
  const comparisons: (Comparison | null)[] = d.rates.map((_, i) => {
    const [p, b] = [runs.plain[i], runs.bn[i]];
    if ([...p, ...b].some((r) => r.divergedAt !== null)) return null;
    const value = (r: StepRun) => ({ value: finalAccuracy(r), perExample: r.finalCorrect ?? undefined });
    return compareRuns('with BN', 'without BN', 'final test accuracy', b.map(value), p.map(value), { seeds: d.seeds, formatDifference: points });
  });
  const n = d.seeds.length;
  const conclusion: string[] = [];
  for (const v of ['plain', 'bn'] as const) {
    const best = results[v].filter((r) => Number.isFinite(r.tail.mean)).reduce<RateResult | null>((a, r) => (a === null || r.tail.mean > a.tail.mean ? r : a), null);
    conclusion.push(`${v === 'bn' ? 'With' : 'Without'} BN the network trains (in all ${n} seeds, tail accuracy at least ${pct(STALL_ACCURACY, 0)}) at ${ranges(results[v])}` +
      (best ? `; its best tail accuracy is ${formatInterval(best.tail, pct)} at ${best.rate}` : '') + '. ' +
      results[v].filter((r) => r.outcome !== 'trains').map((r) => `At ${r.rate}: ${outcomeText(r)}.`).join(' '));
  }
  const onlyBn = d.rates.filter((_, i) => results.bn[i].outcome === 'trains' && results.plain[i].outcome !== 'trains');
  const onlyPlain = d.rates.filter((_, i) => results.plain[i].outcome === 'trains' && results.bn[i].outcome !== 'trains');
  const plainTrains = d.rates.filter((_, i) => results.plain[i].outcome === 'trains');
  const higherOnly = onlyBn.filter((r) => plainTrains.every((p) => r > p));
  const lowerOnly = onlyBn.filter((r) => plainTrains.length > 0 && plainTrains.every((p) => r < p));
  conclusion.push(onlyBn.length > 0
    ? `Only the network with BN trains in every seed at ${onlyBn.join(', ')}` +
      (higherOnly.length > 0 ? `: above the plain network's range at ${higherOnly.join(', ')}, which agrees with the claim that BN allows higher learning rates` : ': but none of these is above the plain network\'s range, so the claim about higher rates is not shown') +
      (lowerOnly.length > 0 ? `; below it at ${lowerOnly.join(', ')}, where the plain network is too slow to start` : '') + '.'
    : 'No learning rate in this sweep trains with BN in every seed but fails without it: this run does not show the claimed robustness.');
  if (onlyPlain.length > 0) conclusion.push(`Against the claim, at ${onlyPlain.join(', ')} the plain network trains in every seed and the BN network does not.`);
  const both = d.rates.map((rate, i) => ({ rate, c: comparisons[i] })).filter((x): x is { rate: number; c: Comparison } => x.c !== null);
  const higher = both.filter((x) => x.c.larger === 'a').map((x) => x.rate);
  const lower = both.filter((x) => x.c.larger === 'b').map((x) => x.rate);
  conclusion.push(`Where neither network diverged in any seed (${both.map((x) => x.rate).join(', ') || 'no rate'}), final test accuracy with BN is higher at ${higher.join(', ') || 'none'}, lower at ${lower.join(', ') || 'none'}, and not distinguishable at the rest (paired tests as in the table).`);
  const headline = `trains in all ${n} seeds at ${ranges(results.plain)} without BN, at ${ranges(results.bn)} with BN (${d.activation}; judged on the mean of the last quarter of each curve)`;
  const series = (['plain', 'bn'] as const).map((v, i) => ({
    name: v === 'bn' ? 'with BN' : 'without BN', dashed: i === 1,
    points: results[v].map((r) => (Number.isFinite(r.tail.lower) ? { x: r.rate, y: r.tail.mean, lower: r.tail.lower, upper: r.tail.upper } : { x: r.rate, y: r.tail.mean })),
  }));
  const mainPlot = lineChart(series, {
    title: `Tail test accuracy after ${d.steps} steps (${d.activation})`,
    subtitle: `mean of the last quarter of evaluations, over ${n} seeds, 95 % t-band; a cross marks a rate where a seed diverged`,
    x: { title: 'learning rate (log)', log: true }, y: { title: 'tail test accuracy', percent: true, zero: true }, markers: true,
  });
  return {
    title: 'Experiment: does Batch Norm allow higher learning rates?',
    claim: 'BN allows much higher learning rates',
    summary: `MNIST, 3 hidden layers of 100 ${d.activation} units, batch 60, plain SGD for ${d.steps} steps at each learning rate, with and without Batch Normalization, ${n} seeds each.`,
    sections: [{
      heading: 'Tail accuracy against learning rate',
      paragraphs: [`A run diverges when its loss becomes NaN or infinite, stalls when the mean test accuracy of its evaluations from step ${Math.ceil(TAIL_FROM * d.steps)} on is below ${pct(STALL_ACCURACY, 0)} (chance is 10 %), and trains otherwise. A rate's outcome needs all ${n} seeds to agree.`],
      plots: [mainPlot],
      tables: [{
        header: ['learning rate', 'without BN', 'with BN', 'final accuracy, BN − plain', 'verdict'],
        rows: d.rates.map((rate, i) => {
          const c = comparisons[i];
          return [String(rate), outcomeText(results.plain[i]), outcomeText(results.bn[i]),
            c ? formatInterval({ ...c.difference, n }, points) : 'a run diverged',
            c ? (c.larger === 'a' ? 'BN higher' : c.larger === 'b' ? 'BN lower' : `not distinguishable${c.seedsNeeded === null ? '' : ` (about ${c.seedsNeeded} seeds needed)`}`) : '-'];
        }),
      }],
    }],
    mainPlot,
    conclusion,
    headline,
    metrics: {
      stallAccuracy: STALL_ACCURACY, tailFrom: TAIL_FROM,
      rates: d.rates.map((rate, i) => ({
        rate,
        plain: { outcome: results.plain[i].outcome, outcomes: results.plain[i].outcomes, tail: results.plain[i].tail, tails: results.plain[i].tails },
        bn: { outcome: results.bn[i].outcome, outcomes: results.bn[i].outcomes, tail: results.bn[i].tail, tails: results.bn[i].tails },
        finalComparison: comparisons[i],
      })),
    },
  };
}
