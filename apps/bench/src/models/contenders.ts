import { makeTensor, setBackend } from '@batchwise/core';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Preparation } from '../types.js';
import { batchData } from './data.js';
import { buildModel, CLASSES, type LayersApi, type ModelCase } from './definitions.js';
import { firstLine } from '../errors.js';

/*
 * Contenders of the model benchmark: @batchwise/layers on the native, wasm
 * and cpu backends, tfjs-layers on tfjs-wasm and tfjs-cpu. Each gets its own
 * model, built while its backend is active, and switches to that backend
 * (and, for native and wasm, its thread count) untimed before every run.
 */

/** A backend package's thread controls and the count a contender runs at. */
export interface ThreadSetting {
  count: number;
  controls: { setNumThreads(n: number): void; getNumThreads(): number };
}

export interface ModelContender {
  id: string;
  label: string;
  maxRuns: number;
  prepare(c: ModelCase): Promise<Preparation>;
}

/** Runs the first call inside prepare so a model that cannot run is reported, not timed. */
async function checked(run: () => unknown, before: () => Promise<void> | void): Promise<Preparation> {
  try {
    await before();
    await run();
    return { before, run };
  } catch (e) {
    return { unavailable: firstLine(e) };
  }
}

/** `threads` is set before every run; `named` adds the count to id and label (batchwise-wasm-1t). */
export function batchwiseModelContender(
  backendName: string,
  api: LayersApi | undefined,
  reason: string | undefined,
  threads?: ThreadSetting,
  named = threads !== undefined,
): ModelContender {
  const suffix = threads && named ? `-${threads.count}t` : '';
  return {
    id: `batchwise-${backendName}${suffix}`,
    label: `batchwise ${backendName}${suffix.replace('-', ' ')}`,
    maxRuns: Number.POSITIVE_INFINITY,
    async prepare(c) {
      if (!api) return { unavailable: reason ?? '@batchwise/layers did not load' };
      const before = () => {
        setBackend(backendName);
        if (threads && threads.controls.getNumThreads() !== threads.count) threads.controls.setNumThreads(threads.count);
      };
      try {
        before();
      } catch (e) {
        return { unavailable: firstLine(e) };
      }
      const model = buildModel(api, c.model);
      const d = batchData(c);
      const x = makeTensor(d.x, d.xShape);
      const y = makeTensor(d.y, [c.batch, CLASSES]);
      const run = c.mode === 'train' ? () => model.trainOnBatch(x, y) : () => model.predict(x, { batchSize: c.batch });
      return checked(run, before);
    },
  };
}

/** tfjs-cpu trains the CNN at about 1.5 images/s (~40 s per step): only with --slow. */
export function tfjsModelContender(backendName: 'cpu' | 'wasm', slow: boolean): ModelContender {
  const api = tfl as unknown as LayersApi;
  return {
    id: `tfjs-${backendName}`,
    label: `tfjs-${backendName}`,
    maxRuns: backendName === 'cpu' ? 5 : Number.POSITIVE_INFINITY,
    async prepare(c) {
      if (backendName === 'cpu' && c.id === 'cnnTrain' && !slow) return { unavailable: 'skipped: ~40 s per step; run with --slow' };
      const before = async () => void (await tf.setBackend(backendName));
      await before();
      const model = buildModel(api, c.model);
      const d = batchData(c);
      const x = tf.tensor(d.x, d.xShape);
      const y = tf.tensor2d(d.y, [c.batch, CLASSES]);
      const run =
        c.mode === 'train'
          ? () => model.trainOnBatch(x, y)
          : () => tf.tidy(() => void model.predict(x, { batchSize: c.batch }));
      const prepared = await checked(run, before);
      return 'unavailable' in prepared ? prepared : { ...prepared, dispose: () => tf.dispose([x, y]) };
    },
  };
}
