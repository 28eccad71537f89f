import { measureInterleaved, MEASURE_DEFAULTS, type Entry, type MeasureOptions } from '../measure.js';
import type { Sample } from '../stats.js';
import type { Contender, KernelCase, KernelResult, Measurement } from '../types.js';

/*
 * Runs every kernel case on every contender: prepare (build inputs, create
 * sessions; untimed), time interleaved, release. One kernel at a time, so
 * contenders compete under the same machine conditions.
 */

/** Times of a call doing 1/scale of the work, scaled to the full work. */
export function scaleSample(sample: Sample, scale: number): Sample {
  if (scale === 1) return sample;
  return {
    ...sample,
    medianMs: sample.medianMs * scale,
    minMs: sample.minMs * scale,
    maxMs: sample.maxMs * scale,
    timesMs: sample.timesMs.map((t) => t * scale),
  };
}

export async function runKernel(kernel: KernelCase, contenders: readonly Contender[], options: MeasureOptions = MEASURE_DEFAULTS): Promise<KernelResult> {
  const entries: Entry[] = [];
  const measurements: Measurement[] = [];
  const notes = new Map<string, string>();
  const scales = new Map<string, number>();
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
    if (prepared.scale) scales.set(c.id, prepared.scale);
    entries.push({ id: c.id, prepared, maxRuns: c.maxRuns });
  }
  try {
    const outcomes = await measureInterleaved(entries, options);
    for (const [id, outcome] of outcomes) {
      const note = notes.get(id);
      if ('error' in outcome) measurements.push({ contender: id, unavailable: `failed while timing: ${outcome.error}` });
      else measurements.push({ contender: id, sample: scaleSample(outcome, scales.get(id) ?? 1), ...(note ? { note } : {}) });
    }
  } finally {
    for (const entry of entries) entry.prepared.dispose?.();
  }
  const order = contenders.map((c) => c.id);
  measurements.sort((a, b) => order.indexOf(a.contender) - order.indexOf(b.contender));
  return { kernel, measurements };
}
