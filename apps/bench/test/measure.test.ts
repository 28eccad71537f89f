import { describe, expect, it } from 'vitest';
import { callsPerSample, MAX_CALLS_PER_SAMPLE, measureInterleaved, plannedRuns } from '../src/measure.js';

const options = { warmup: 1, minRuns: 5, targetMs: 1, maxRuns: 8, leadInMs: 0, leadInMinMs: 0, leadInCalls: 0, sampleMs: 0 };

describe('plannedRuns', () => {
  it('never goes below the minimum nor above the caps', () => {
    expect(plannedRuns(1000, Number.POSITIVE_INFINITY, { ...options, targetMs: 400 })).toBe(5);
    expect(plannedRuns(0.001, Number.POSITIVE_INFINITY, { ...options, targetMs: 400 })).toBe(8);
    expect(plannedRuns(0.001, 5, { ...options, targetMs: 400, maxRuns: 60 })).toBe(5);
    expect(plannedRuns(10, Number.POSITIVE_INFINITY, { ...options, targetMs: 100, maxRuns: 60 })).toBe(10);
  });
});

describe('callsPerSample', () => {
  it('times one call unless a call is shorter than sampleMs, then enough calls to fill it, within the cap', () => {
    expect(callsPerSample(0.05, options)).toBe(1);
    expect(callsPerSample(undefined, { ...options, sampleMs: 2 })).toBe(1);
    expect(callsPerSample(3, { ...options, sampleMs: 2 })).toBe(1);
    expect(callsPerSample(0.05, { ...options, sampleMs: 2 })).toBe(40);
    expect(callsPerSample(0.3, { ...options, sampleMs: 2 })).toBe(7);
    expect(callsPerSample(0, { ...options, sampleMs: 2 })).toBe(MAX_CALLS_PER_SAMPLE);
  });
});

describe('measureInterleaved', () => {
  it('interleaves contenders round by round and honours per-contender caps', async () => {
    const calls: string[] = [];
    const entry = (id: string, maxRuns: number) => ({ id, maxRuns, prepared: { run: () => void calls.push(id) } });
    // A long target: the uncapped contender's planned runs must not depend on how long its warm-up took
    // (1 ms against a warm-up preempted for over 0.125 ms on a loaded machine gave 7 runs, not 8).
    const out = await measureInterleaved([entry('a', Number.POSITIVE_INFINITY), entry('b', 5)], { ...options, targetMs: 10_000 });
    // Warm-up: one call each; the capped one warms up once as well.
    expect(calls.slice(0, 2)).toEqual(['a', 'b']);
    const timed = calls.slice(2);
    expect(timed.filter((c) => c === 'a')).toHaveLength(8);
    expect(timed.filter((c) => c === 'b')).toHaveLength(5);
    // Rounds rotate the order: round 0 a,b; round 1 b,a.
    expect(timed.slice(0, 4)).toEqual(['a', 'b', 'b', 'a']);
    expect(out.get('a')).toMatchObject({ runs: 8 });
    expect(out.get('b')).toMatchObject({ runs: 5 });
  });

  it('runs the untimed before-hook ahead of every call and awaits async runs', async () => {
    const log: string[] = [];
    const out = await measureInterleaved(
      [{ id: 'x', maxRuns: 5, prepared: { before: () => void log.push('before'), run: async () => void log.push('run') } }],
      options,
    );
    expect(log.slice(0, 4)).toEqual(['before', 'run', 'before', 'run']);
    expect(out.get('x')).toMatchObject({ runs: 5 });
  });

  it('reports a contender that throws and keeps timing the others', async () => {
    let n = 0;
    const out = await measureInterleaved(
      [
        { id: 'ok', maxRuns: 5, prepared: { run: () => n++ } },
        { id: 'bad', maxRuns: 5, prepared: { run: () => { throw new Error('kernel exploded\nstack'); } } },
      ],
      options,
    );
    expect(out.get('bad')).toEqual({ error: 'kernel exploded' });
    expect(out.get('ok')).toMatchObject({ runs: 5 });
  });

  it('runs a fast contender untimed for the lead-in before each timed call, a slow one never', async () => {
    const calls: string[] = [];
    const busy = (ms: number) => {
      const end = performance.now() + ms;
      while (performance.now() < end);
    };
    // fast: ~0.1 ms per call against a 20 ms lead-in; slow: 30 ms, longer than the lead-in.
    const fast = { id: 'fast', maxRuns: 5, prepared: { run: () => { calls.push('fast'); busy(0.1); } } };
    const slow = { id: 'slow', maxRuns: 5, prepared: { run: () => { calls.push('slow'); busy(30); } } };
    const out = await measureInterleaved([fast, slow], { ...options, leadInMs: 20, leadInMinMs: 20 });
    // One warm-up each, then 5 rounds: slow is timed only, fast runs many lead-in calls per round.
    expect(calls.filter((c) => c === 'slow')).toHaveLength(1 + 5);
    expect(calls.filter((c) => c === 'fast').length).toBeGreaterThanOrEqual(1 + 5 * 10);
    expect(out.get('fast')).toMatchObject({ runs: 5 });
    expect(out.get('slow')).toMatchObject({ runs: 5 });
  });

  it('runs at least leadInCalls lead-in calls, past the minimum time, within the maximum', async () => {
    let calls = 0;
    const fast = { id: 'fast', maxRuns: 5, prepared: { run: () => void calls++ } };
    await measureInterleaved([fast], { ...options, leadInMs: 1000, leadInMinMs: 0, leadInCalls: 3 });
    // One warm-up, then 5 rounds of 3 lead-in calls (the minimum time is 0) and 1 timed call.
    expect(calls).toBe(1 + 5 * (3 + 1));
  });

  it('times several back-to-back calls per run for a short call and reports the time per call', async () => {
    let calls = 0;
    const busy = (ms: number) => {
      const end = performance.now() + ms;
      while (performance.now() < end);
    };
    const short = { id: 'short', maxRuns: 5, prepared: { run: () => { calls++; busy(0.2); } } };
    // 20 ms: far above the call's 0.2 ms even on a loaded machine.
    const out = await measureInterleaved([short], { ...options, sampleMs: 20 });
    // One warm-up (its time sets the calls per run: at most 20 / 0.2 = 100), then 5 runs of those calls.
    expect(calls).toBeGreaterThan(1 + 5);
    expect(calls).toBeLessThanOrEqual(1 + 5 * 100);
    expect((calls - 1) % 5).toBe(0);
    const r = out.get('short') as { medianMs: number };
    expect(r.medianMs).toBeGreaterThanOrEqual(0.2);
    expect(r.medianMs).toBeLessThan(20);
  });

  it('lets a contender in another process time itself, passing the lead-in when one applies', async () => {
    const leadIns: unknown[] = [];
    const callCounts: number[] = [];
    let runs = 0;
    const remote = {
      id: 'remote',
      maxRuns: 5,
      prepared: { run: () => void runs++, timeSelf: async (leadIn: unknown, calls: number) => (leadIns.push(leadIn), callCounts.push(calls), 7) },
    };
    const out = await measureInterleaved([remote], { ...options, leadInMs: 20, leadInMinMs: 5, leadInCalls: 2 });
    // The reported times are the contender's own, never the harness's timing of run().
    expect(out.get('remote')).toMatchObject({ runs: 5, medianMs: 7, minMs: 7, maxMs: 7 });
    expect(runs).toBe(0);
    // Warm-up without a lead-in (no estimate yet), then 7 ms < 20 ms: every timed call gets one.
    expect(leadIns[0]).toBeUndefined();
    expect(leadIns.slice(1)).toEqual(Array(5).fill({ leadInMs: 20, leadInMinMs: 5, leadInCalls: 2 }));
    expect(callCounts).toEqual(Array(6).fill(1));
  });

  it('asks a contender that times itself for several calls per run when its calls are short', async () => {
    const callCounts: number[] = [];
    const remote = { id: 'remote', maxRuns: 5, prepared: { run: () => undefined, timeSelf: async (_: unknown, calls: number) => (callCounts.push(calls), 0.5) } };
    await measureInterleaved([remote], { ...options, sampleMs: 2 });
    // The warm-up (no estimate) is one call; then 2 / 0.5 = 4 calls per run.
    expect(callCounts).toEqual([1, 4, 4, 4, 4, 4]);
  });
});
