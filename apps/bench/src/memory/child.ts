import os from 'node:os';
import { makeTensor, memory, setBackend } from '@batchwise/core';
import { accuracyModel } from '../accuracy/batchwise-run.js';
import { loadAccuracyData } from '../accuracy/data.js';
import { ACCURACY_DEFAULTS, ACCURACY_SPEC } from '../accuracy/settings.js';
import { loadOurBackend, OUR_BACKENDS, type OurBackendName } from '../contenders/ours.js';
import { firstLine } from '../errors.js';
import { collectGarbage } from '../measure.js';
import { CNN_BN_TRAINING } from '../models/specs.js';
import { summarize } from '../stats.js';
import type { MemoryFigures, MemorySettings } from './figures.js';

/*
 * The child side of the memory part (`main.js memory-child <backend>`): a
 * fresh process trains the cnn-bn preset for one epoch on Fashion-MNIST,
 * sampling RSS after every step, then measures steady-state steps one at a
 * time. Prints one JSON line (MemoryFigures).
 */

/** The median of the per-step counts, through the harness's one summary (its median is the bench's only one). */
const median = (values: readonly number[]) => summarize(values).medianMs;

export async function memoryChild(backendName: string, s: MemorySettings): Promise<MemoryFigures> {
  const b = OUR_BACKENDS.find((x) => x.name === backendName);
  if (!b) throw new Error(`memory-child: backend must be one of ${OUR_BACKENDS.map((x) => x.name).join(', ')}, received '${backendName}'.`);
  const threads = os.availableParallelism();
  const label = `batchwise ${b.name}${b.threaded ? ` ${threads}t` : ''}`;
  const loaded = await loadOurBackend(b.name as OurBackendName);
  if (!loaded.backend) return { contender: b.name, label, images: 0, steps: 0, rssBeforeBytes: 0, rssPeakBytes: 0, maxRssBytes: 0, unavailable: loaded.reason ?? 'not loaded' };
  loaded.native?.setNumThreads(threads);
  setBackend(b.name);
  const data = loadAccuracyData({ ...ACCURACY_DEFAULTS, ...(s.images ? { trainLimit: s.images } : {}), testLimit: 1 });
  const model = accuracyModel(CNN_BN_TRAINING.seed);
  const batch = ACCURACY_SPEC.trainBatch;
  collectGarbage();
  const rssBeforeBytes = process.memoryUsage.rss();
  let rssPeakBytes = rssBeforeBytes;
  let steps = 0;
  await model.fit(data.trainX, data.trainY, {
    epochs: 1,
    batchSize: batch,
    seed: CNN_BN_TRAINING.seed,
    verbose: 0,
    yieldEvery: 'never',
    callbacks: [{ onBatchEnd: () => void ((rssPeakBytes = Math.max(rssPeakBytes, process.memoryUsage.rss())), steps++) }],
  });
  const maxRssBytes = process.resourceUsage().maxRSS * 1024;
  // Steady state: one step at a time on the first batch, each after a full collection.
  const n = Math.min(batch, data.trainX.shape[0]);
  const pixels = data.trainX.size / data.trainX.shape[0];
  const x = makeTensor(data.trainX.data.slice(0, n * pixels), [n, ...data.trainX.shape.slice(1)]);
  const y = makeTensor(data.trainY.data.slice(0, n * 10), [n, 10]);
  const per = { pool: [] as number[], reuse: [] as number[], ab: [] as number[], heap: [] as number[] };
  for (let i = 0; i < s.steadySteps; i++) {
    collectGarbage();
    const m0 = memory();
    const u0 = process.memoryUsage();
    await model.trainOnBatch(x, y);
    const u1 = process.memoryUsage();
    const m1 = memory();
    per.pool.push(m1.allocated - m0.allocated);
    per.reuse.push(m1.reused - m0.reused);
    per.ab.push(u1.arrayBuffers - u0.arrayBuffers);
    per.heap.push(u1.heapUsed - u0.heapUsed);
  }
  return {
    contender: b.name,
    label,
    images: data.trainX.shape[0],
    steps,
    rssBeforeBytes,
    rssPeakBytes,
    maxRssBytes,
    poolAllocationsPerStep: median(per.pool),
    poolReusesPerStep: median(per.reuse),
    arrayBufferBytesPerStep: median(per.ab),
    heapBytesPerStep: median(per.heap),
  };
}

/** Entry of `main.js memory-child`: prints the figures (or the error) as one JSON line. */
export async function runMemoryChild(backendName: string, s: MemorySettings): Promise<void> {
  try {
    console.log(JSON.stringify(await memoryChild(backendName, s)));
  } catch (e) {
    console.log(JSON.stringify({ contender: backendName, label: backendName, images: 0, steps: 0, rssBeforeBytes: 0, rssPeakBytes: 0, maxRssBytes: 0, unavailable: firstLine(e) }));
  }
}
