import { measureInterleaved, MEASURE_DEFAULTS, type Entry, type MeasureOptions } from '../measure.js';
import type { Contender, KernelCase, KernelResult, Measurement } from '../types.js';

/*
 * Runs every kernel case on every contender: prepare (build inputs, create
 * sessions; untimed), time interleaved, release. One kernel at a time, so
 * contenders compete under the same machine conditions.
 */

export async function runKernel(kernel: KernelCase, contenders: readonly Contender[], options: MeasureOptions = MEASURE_DEFAULTS): Promise<KernelResult> {
  const entries: Entry[] = [];
  const measurements: Measurement[] = [];
  const notes = new Map<string, string>();
  for (const c of contenders) {
    if (!c.status.available) {
      measurements.push({ contender: c.id, unavailable: c.status.reason ?? 'unavailable' });
      continue;
    }
    const prepared = await c.prepare(kernel);
    if ('unavailable' in prepared) {
      measurements.push({ contender: c.id, unavailable: prepared.unavailable });
      continue;
    }
    if (prepared.note) notes.set(c.id, prepared.note);
    entries.push({ id: c.id, prepared, maxRuns: c.maxRuns });
  }
  try {
    const outcomes = await measureInterleaved(entries, options);
    for (const [id, outcome] of outcomes) {
      const note = notes.get(id);
      if ('error' in outcome) measurements.push({ contender: id, unavailable: `failed while timing: ${outcome.error}` });
      else measurements.push({ contender: id, sample: outcome, ...(note ? { note } : {}) });
    }
  } finally {
    for (const entry of entries) entry.prepared.dispose?.();
  }
  const order = contenders.map((c) => c.id);
  measurements.sort((a, b) => order.indexOf(a.contender) - order.indexOf(b.contender));
  return { kernel, measurements };
}
