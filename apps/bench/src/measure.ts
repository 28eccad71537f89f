import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { summarize } from './stats.js';
import type { LeadIn, Prepared } from './types.js';
import type { Sample } from './stats.js';
import { firstLine } from './errors.js';

/*
 * Interleaved timing. Every contender is warmed up, then the runs go in
 * rounds: in each round every contender that still needs runs runs once, in
 * an order rotated per round. Machine noise (other processes, frequency
 * changes) then hits all contenders alike instead of whoever ran during it,
 * which is what makes ratios from one run meaningful.
 *
 * Lead-in: interleaving means every call starts after other engines ran for
 * milliseconds, so a multithreaded engine's idle workers have gone to sleep.
 * On this kind of VM (KVM, 2 vCPUs) that costs far more than a wake-up: a
 * 2-thread call made after a pause ran up to twice as slow as back to back
 * (the second vCPU often ran at half speed, as if sharing a core), while
 * 1 thread was unaffected. Training calls kernels back to back, so before each
 * timed call a short contender runs untimed for about `leadInMs` first; every
 * contender gets the same treatment. 25 ms was not always enough for
 * multi-millisecond kernels, and too many calls hurt in turn: a thousand
 * sub-millisecond calls, each allocating megabytes, left the JS heap busy.
 * So: at least 25 ms and 50 calls, at most 100 ms (figures in
 * docs/bench/design.md, "Method").
 */

export interface MeasureOptions extends LeadIn {
  /** Untimed calls before timing. */
  warmup: number;
  /** At least this many timed runs (the median of at least 5 is the project rule). */
  minRuns: number;
  /** Keep adding runs to fast contenders until about this much time is spent on each. */
  targetMs: number;
  /** Hard cap on timed runs for fast kernels. */
  maxRuns: number;
  /**
   * A timed run of a call shorter than this (by its warm-up) is that many
   * back-to-back calls, and its time their mean: a single call of tens of
   * microseconds is at the mercy of one interrupt or timer tick. 0: one call.
   */
  sampleMs: number;
}

/** At most this many calls in one timed run. */
export const MAX_CALLS_PER_SAMPLE = 200;

/** Defaults of `measureInterleaved`. */
export const MEASURE_DEFAULTS: MeasureOptions = { warmup: 2, minRuns: 5, targetMs: 400, maxRuns: 30, leadInMs: 100, leadInMinMs: 25, leadInCalls: 50, sampleMs: 0 };

/**
 * A smoke run (--quick): one warm-up and one timed call, no lead-in. It proves
 * every contender runs; its figures are not measurements (the project's
 * minimum is the median of 5).
 */
export const SMOKE: MeasureOptions = { warmup: 1, minRuns: 1, targetMs: 0, maxRuns: 1, leadInMs: 0, leadInMinMs: 0, leadInCalls: 0, sampleMs: 0 };

export interface Entry {
  id: string;
  prepared: Prepared;
  /** Per-contender cap on timed runs (and on warm-up: slow peers warm up once). */
  maxRuns: number;
}

// A full collection before each contender's turn, untimed: otherwise one
// contender's garbage (tfjs-cpu and the cpu backend make plenty) is collected
// by V8's background threads during the next one's timed call, on the core a
// second worker thread needs (figures in docs/bench/design.md, "Method").
setFlagsFromString('--expose-gc');
export const collectGarbage = runInNewContext('gc') as () => void;

/*
 * The clock of a timed call. Wall time by default. CLOCK=cpu takes the process's
 * CPU time instead, for one-thread, in-process contenders on a machine shared
 * with other jobs: there a wall-clock median also counts the time the call spent
 * descheduled (at a load of 8-10 on 2 cores, kernels ran at a third to a half of
 * their speed while the peak probe, best of its runs, still found a free core,
 * so shares of the peak fell by whatever the load was at the time). A
 * multithreaded contender's CPU time is the sum over its threads, not a
 * duration: the clock is meant for `--only` runs of one-thread contenders.
 */
const cpuClock = process.env.CLOCK === 'cpu';
export const clockName = cpuClock ? 'process CPU time (CLOCK=cpu)' : 'wall time';
function now(): number {
  if (!cpuClock) return performance.now();
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Calls in one timed run of a call that took `estimateMs` (see MeasureOptions.sampleMs). */
export function callsPerSample(estimateMs: number | undefined, options: MeasureOptions): number {
  if (estimateMs === undefined || !(options.sampleMs > 0) || estimateMs >= options.sampleMs) return 1;
  return Math.min(MAX_CALLS_PER_SAMPLE, Math.ceil(options.sampleMs / Math.max(estimateMs, 1e-3)));
}

/** One timed run: `calls` back-to-back calls after the lead-in; returns ms per call. */
async function timeOnce(p: Prepared, leadIn: boolean, calls: number, o: MeasureOptions): Promise<number> {
  if (p.before) await p.before();
  collectGarbage();
  if (p.timeSelf) return p.timeSelf(leadIn ? { leadInMs: o.leadInMs, leadInMinMs: o.leadInMinMs, leadInCalls: o.leadInCalls } : undefined, calls);
  const begin = performance.now();
  for (let calls = 0; leadIn; calls++) {
    const elapsed = performance.now() - begin;
    if (elapsed >= o.leadInMs || (elapsed >= o.leadInMinMs && calls >= o.leadInCalls)) break;
    await p.run();
  }
  const start = now();
  for (let i = 0; i < calls; i++) await p.run();
  return (now() - start) / calls;
}

/** How many timed runs a contender gets, from the length of its warm-up run. */
export function plannedRuns(estimateMs: number, cap: number, options: MeasureOptions): number {
  const wanted = Math.ceil(options.targetMs / Math.max(estimateMs, 1e-3));
  return Math.max(options.minRuns, Math.min(wanted, options.maxRuns, Math.max(cap, options.minRuns)));
}

export type Outcome = Sample | { error: string };

/**
 * Times every entry interleaved; returns the samples by entry id. An entry
 * that throws is dropped from the remaining rounds and reported with its error.
 */
export async function measureInterleaved(entries: readonly Entry[], options: MeasureOptions = MEASURE_DEFAULTS): Promise<Map<string, Outcome>> {
  const failed = new Map<string, string>();
  const estimates = new Map<string, number>();
  const attempt = async (e: Entry): Promise<number | undefined> => {
    // Warm-up calls (no estimate yet) and contenders slower than the lead-in run without one.
    const estimate = estimates.get(e.id);
    const leadIn = options.leadInMs > 0 && estimate !== undefined && estimate < options.leadInMs;
    try {
      return await timeOnce(e.prepared, leadIn, callsPerSample(estimate, options), options);
    } catch (err) {
      failed.set(e.id, firstLine(err));
      return undefined;
    }
  };
  const planned = new Map<string, number>();
  for (const e of entries) {
    let last: number | undefined = 0;
    const warmups = e.maxRuns <= options.minRuns ? 1 : options.warmup;
    for (let i = 0; i < warmups && last !== undefined; i++) last = await attempt(e);
    if (last !== undefined) {
      planned.set(e.id, plannedRuns(last, e.maxRuns, options));
      estimates.set(e.id, last);
    }
  }
  const times = new Map<string, number[]>(entries.map((e) => [e.id, []]));
  const rounds = Math.max(0, ...planned.values());
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < entries.length; k++) {
      const e = entries[(k + r) % entries.length];
      const list = times.get(e.id)!;
      if (failed.has(e.id) || list.length >= (planned.get(e.id) ?? 0)) continue;
      const t = await attempt(e);
      if (t !== undefined) list.push(t);
    }
  }
  return new Map(
    entries.map((e): [string, Outcome] => {
      const error = failed.get(e.id);
      return [e.id, error !== undefined ? { error } : summarize(times.get(e.id)!)];
    }),
  );
}
