import { makeTensor, setBackend } from '@batchwise/core';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { NativeControls } from '../contenders/batchwise.js';
import type { Preparation } from '../types.js';
import { batchData } from './data.js';
import { buildModel, type LayersApi } from './definitions.js';
import { CLASSES, type ModelCase } from './specs.js';
import { firstLine } from '../errors.js';

/*
 * Contenders of the model benchmark: @batchwise/layers on each of our
 * backends (native and wasm at 1 thread and at all, cpu), tfjs-layers on
 * tfjs-wasm and tfjs-cpu. Each gets its own model, built while its backend is
 * active, and switches to that backend (and thread count) untimed before
 * every run.
 */

export interface ModelContender {
  id: string;
  label: string;
  maxRuns: number;
  prepare(c: ModelCase): Promise<Preparation>;
}

/** A backend package's thread controls and the count a contender runs at. */
export interface ThreadSetting {
  count: number;
  controls: Pick<NativeControls, 'setNumThreads' | 'getNumThreads'>;
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

/** Id of a batchwise contender: `batchwise-native-2t`, `batchwise-cpu`. */
export function batchwiseModelId(backendName: string, threads?: number): string {
  return `batchwise-${backendName}${threads === undefined ? '' : `-${threads}t`}`;
}

export function batchwiseModelContender(backendName: string, api: LayersApi | undefined, reason: string | undefined, threads?: ThreadSetting): ModelContender {
  return {
    id: batchwiseModelId(backendName, threads?.count),
    label: `batchwise ${backendName}${threads ? ` ${threads.count}t` : ''}`,
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
      const model = buildModel(api, c.spec);
      const d = batchData(c);
      const x = makeTensor(d.x, d.xShape);
      const y = makeTensor(d.y, [c.batch, CLASSES]);
      const run = c.mode === 'train' ? () => model.trainOnBatch(x, y) : () => model.predict(x, { batchSize: c.batch });
      return checked(run, before);
    },
  };
}

/** tfjs-layers with tfjs-core's optimizers: the LayersApi shape @batchwise/layers has on its own. */
export const TFJS_LAYERS_API = { layers: tfl.layers, sequential: tfl.sequential, train: tf.train } as unknown as LayersApi;

/** tfjs-cpu trains a CNN at about 1.5 images/s (~40 s per step): only with --slow. */
export function tfjsModelContender(backendName: 'cpu' | 'wasm', slow: boolean): ModelContender {
  return {
    id: `tfjs-${backendName}`,
    label: `tfjs-${backendName}`,
    maxRuns: backendName === 'cpu' ? 5 : Number.POSITIVE_INFINITY,
    async prepare(c) {
      if (backendName === 'cpu' && c.mode === 'train' && c.spec.inputShape.length === 3 && !slow) {
        return { unavailable: 'skipped: its conv filter gradient takes seconds to minutes per step; run with --slow' };
      }
      const before = async () => void (await tf.setBackend(backendName));
      await before();
      const model = buildModel(TFJS_LAYERS_API, c.spec);
      const d = batchData(c);
      const x = tf.tensor(d.x, d.xShape);
      const y = tf.tensor2d(d.y, [c.batch, CLASSES]);
      const run = c.mode === 'train' ? () => model.trainOnBatch(x, y) : () => tf.tidy(() => void model.predict(x, { batchSize: c.batch }));
      const prepared = await checked(run, before);
      return 'unavailable' in prepared ? prepared : { ...prepared, dispose: () => tf.dispose([x, y]) };
    },
  };
}
