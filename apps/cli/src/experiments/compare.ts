import { mcnemarFromOutcomes, pairedBootstrap, pairedDifferences, pairedSampleSize } from '@batchwise/stats';
import { LEVEL } from './intervals.js';

/*
 * Paired comparisons of two networks trained with the same seeds (same
 * initial-weight seed, same batch order) and evaluated on the same test
 * images. Two sources of noise, each with its own test:
 * - training noise: the per-seed differences, their t-interval over seeds;
 * - test-set noise: McNemar's test per seed on per-example correctness, and
 *   a paired bootstrap over test images of the seed-averaged correctness.
 * A verdict ("higher", "lower") is printed only when both intervals exclude
 * zero on the same side at the 95 % level; otherwise "not distinguishable
 * with N seeds", with how many seeds a difference of the observed size
 * would need (paired t-test, 80 % power).
 */

/** Resampling seed of every bootstrap in the reports (fixed, so a report is reproducible). */
export const BOOTSTRAP_SEED = 2018;
export const BOOTSTRAP_RESAMPLES = 10_000;

export interface ComparedRun {
  value: number;
  /**
   * Per test example: 1 if right (classifiers; `value` is then the accuracy),
   * or the squared error (regressors; `value` is then the RMSE, see
   * CompareOptions.squaredErrors).
   */
  perExample?: ArrayLike<number>;
}

export interface Comparison {
  a: string;
  b: string;
  metric: string;
  level: number;
  seeds: number;
  perSeed: { a: number; b: number }[];
  /** a - b over seeds: mean, t-interval, sd, p-value. */
  difference: { mean: number; lower: number; upper: number; sd: number; pValue: number };
  /** a - b on the test examples, seed-averaged, bootstrapped over examples. */
  bootstrap: { estimate: number; lower: number; upper: number; resamples: number; seed: number; examples: number } | null;
  mcnemar: { seed: number; b: number; c: number; exactP: number; midP: number }[] | null;
  /** Which side is larger, when the tests say so; 'none' otherwise. */
  larger: 'a' | 'b' | 'none';
  /** Why 'none', when it is. */
  reason: 'seeds' | 'test-set' | 'both' | null;
  /** Seeds a paired t-test would need for the observed difference (null: no finite estimate). */
  seedsNeeded: number | null;
  /** A sentence: the difference, its intervals and the verdict. */
  text: string;
}

export interface CompareOptions {
  /** Formats a difference, e.g. "+1.2 points". */
  formatDifference: (v: number) => string;
  /** Seeds of the runs, in order (for the McNemar lines). */
  seeds: readonly number[];
  /** perExample holds squared errors in units whose RMSE times this scale is `value` (no McNemar then). */
  squaredErrors?: { scale: number };
}

const sideOf = (lower: number, upper: number): 'a' | 'b' | 'none' => (lower > 0 ? 'a' : upper < 0 ? 'b' : 'none');

function seedAverage(runs: readonly ComparedRun[]): Float64Array {
  const n = runs[0].perExample!.length;
  const out = new Float64Array(n);
  for (const r of runs) for (let i = 0; i < n; i++) out[i] += r.perExample![i];
  for (let i = 0; i < n; i++) out[i] /= runs.length;
  return out;
}

/** Compares a with b, seed by seed (runs in the same seed order). */
export function compareRuns(a: string, b: string, metric: string, runsA: readonly ComparedRun[], runsB: readonly ComparedRun[], o: CompareOptions): Comparison {
  const broken = [...runsA, ...runsB].filter((r) => !Number.isFinite(r.value)).length;
  if (broken > 0) return incomparable(a, b, metric, runsA, runsB, broken);
  const d = pairedDifferences(runsA.map((r) => r.value), runsB.map((r) => r.value), { level: LEVEL });
  const iv = d.interval;
  const withExamples = runsA.every((r) => r.perExample) && runsB.every((r) => r.perExample);
  const scale = o.squaredErrors?.scale;
  const transform = scale === undefined ? undefined : (meanSquare: number) => Math.sqrt(meanSquare) * scale;
  const boot = withExamples ? pairedBootstrap(seedAverage(runsA), seedAverage(runsB), { seed: BOOTSTRAP_SEED, resamples: BOOTSTRAP_RESAMPLES, level: LEVEL, transform }) : null;
  const mcnemar = withExamples && !o.squaredErrors ? runsA.map((r, k) => ({ seed: o.seeds[k], ...mcnemarFromOutcomes(r.perExample!, runsB[k].perExample!) })) : null;
  const bySeeds = sideOf(iv.lower, iv.upper);
  const byExamples = boot ? sideOf(boot.lower, boot.upper) : bySeeds;
  const larger = bySeeds === byExamples ? bySeeds : 'none';
  const reason = larger !== 'none' ? null : bySeeds === 'none' && byExamples === 'none' ? 'both' : bySeeds === 'none' ? 'seeds' : 'test-set';
  const needed = pairedSampleSize(iv.mean, iv.sd, { level: LEVEL });
  const seedsNeeded = Number.isFinite(needed) ? needed : null;
  const f = o.formatDifference;
  const n = runsA.length;
  const parts = [`${a} − ${b}: ${f(iv.mean)} [${f(iv.lower)}, ${f(iv.upper)}] (${Math.round(LEVEL * 100)} % paired t-interval over ${n} seeds, p = ${formatP(d.pValue)})`];
  if (boot) parts.push(`paired bootstrap over the ${runsA[0].perExample!.length.toLocaleString('en-US')} test examples [${f(boot.lower)}, ${f(boot.upper)}]`);
  if (mcnemar) parts.push(`McNemar mid-p per seed ${mcnemar.map((m) => formatP(m.midP)).join(', ')}`);
  let verdict: string;
  if (larger === 'a') verdict = `${a} is higher on ${metric}.`;
  else if (larger === 'b') verdict = `${a} is lower on ${metric}.`;
  else if (reason === 'test-set') verdict = `the seeds agree, but the test set is too small to tell at this level: not distinguishable on ${metric}.`;
  else verdict = `not distinguishable on ${metric} with ${n} seeds; ${seedsNeeded === null ? 'the observed difference is zero, so no number of seeds would show one' : `about ${seedsNeeded} seeds would be needed to detect a difference of this size (80 % power)`}.`;
  return {
    a, b, metric, level: LEVEL, seeds: n,
    perSeed: runsA.map((r, k) => ({ a: r.value, b: runsB[k].value })),
    difference: { mean: iv.mean, lower: iv.lower, upper: iv.upper, sd: iv.sd, pValue: d.pValue },
    bootstrap: boot ? { estimate: boot.estimate, lower: boot.lower, upper: boot.upper, resamples: boot.resamples, seed: boot.seed, examples: runsA[0].perExample!.length } : null,
    mcnemar: mcnemar ? mcnemar.map((m) => ({ seed: m.seed, b: m.b, c: m.c, exactP: m.exactP, midP: m.midP })) : null,
    larger, reason, seedsNeeded,
    text: `${parts.join('; ')}: ${verdict}`,
  };
}

/** A comparison that cannot be made: some runs have no value (diverged, or never reached a target). */
function incomparable(a: string, b: string, metric: string, runsA: readonly ComparedRun[], runsB: readonly ComparedRun[], broken: number): Comparison {
  const nan = Number.NaN;
  return {
    a, b, metric, level: LEVEL, seeds: runsA.length,
    perSeed: runsA.map((r, k) => ({ a: r.value, b: runsB[k].value })),
    difference: { mean: nan, lower: nan, upper: nan, sd: nan, pValue: nan },
    bootstrap: null, mcnemar: null, larger: 'none', reason: null, seedsNeeded: null,
    text: `${a} − ${b}: no paired test on ${metric}, because ${broken} of the ${runsA.length + runsB.length} runs have no value for it.`,
  };
}

/** Compares plain numbers (no per-example data): the paired t over seeds alone decides. */
export function compareValues(a: string, b: string, metric: string, valuesA: readonly number[], valuesB: readonly number[], o: CompareOptions): Comparison {
  return compareRuns(a, b, metric, valuesA.map((value) => ({ value })), valuesB.map((value) => ({ value })), o);
}

export function formatP(p: number): string {
  if (!Number.isFinite(p)) return 'n/a';
  if (p < 0.001) return p.toExponential(0).replace('e-', 'e-');
  return p < 0.01 ? p.toFixed(3) : p.toFixed(2);
}

/** A difference of two accuracies in percentage points, signed. */
export function points(v: number): string {
  return `${v >= 0 ? '+' : '−'}${Math.abs(v * 100).toFixed(2)} points`;
}
