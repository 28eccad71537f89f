import { Tensor, findBackend, setBackend } from '@batchwise/core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tfl from '@tensorflow/tfjs-layers';
import { describeBackend } from '../shared/backends.js';
import { demoNetwork, CLASSES, HIDDEN_LAYERS, HIDDEN_UNITS, INPUT_SIZE, type Variant } from '../shared/networks.js';

/*
 * The same two networks in each library: batchwise's from shared/networks.ts
 * and TensorFlow.js's built layer for layer alike (Dense without bias before
 * BN, ReLU as its own layer, softmax output, SGD, sparse categorical
 * cross-entropy), each trained with trainOnBatch on the same batches.
 */

export const LEARNING_RATE = 0.1;

export interface Trainer {
  step(x: Float32Array, y: Float32Array, n: number): Promise<void>;
}

export interface Contender {
  name: string;
  /** Makes this contender's backend current (tfjs has one global backend). */
  activate(): Promise<void>;
  detail(): string;
  network(variant: Variant): Trainer;
}

export function batchwise(backendName: string): Contender {
  return {
    name: `batchwise ${backendName}`,
    async activate() {
      setBackend(backendName);
    },
    detail: () => describeBackend(findBackend(backendName)),
    network(variant) {
      const model = demoNetwork(variant, LEARNING_RATE, 1);
      return {
        async step(x, y, n) {
          await model.trainOnBatch(new Tensor(x, [n, INPUT_SIZE]), new Tensor(y, [n]));
        },
      };
    },
  };
}

function tfjsNetwork(variant: Variant): tfl.Sequential {
  const model = tfl.sequential();
  for (let i = 0; i < HIDDEN_LAYERS; i++) {
    model.add(tfl.layers.dense({ units: HIDDEN_UNITS, useBias: variant === 'plain', ...(i === 0 ? { inputShape: [INPUT_SIZE] } : {}) }));
    if (variant === 'bn') model.add(tfl.layers.batchNormalization());
    model.add(tfl.layers.activation({ activation: 'relu' }));
  }
  model.add(tfl.layers.dense({ units: CLASSES, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.sgd(LEARNING_RATE), loss: 'sparseCategoricalCrossentropy' });
  return model;
}

export function tfjs(backendName: 'cpu' | 'wasm', wasmPaths: Record<string, string>): Contender {
  return {
    name: `TensorFlow.js ${backendName}`,
    async activate() {
      if (backendName === 'wasm') setWasmPaths(wasmPaths);
      if (!(await tf.setBackend(backendName))) throw new Error(`TensorFlow.js could not start its '${backendName}' backend.`);
      await tf.ready();
    },
    detail() {
      if (backendName === 'cpu') return 'tfjs-backend-cpu 4.22 (1 thread)';
      const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
      const threads = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT');
      const count = threads ? (tf.backend() as unknown as { getThreadsCount?: () => number }).getThreadsCount?.() ?? '?' : 1;
      return `tfjs-backend-wasm 4.22 (${count} thread${count === 1 ? '' : 's'}${simd ? ', SIMD' : ''})`;
    },
    network(variant) {
      const model = tfjsNetwork(variant);
      return {
        async step(x, y, n) {
          const xs = tf.tensor2d(x, [n, INPUT_SIZE]);
          const ys = tf.tensor1d(y);
          await model.trainOnBatch(xs, ys);
          tf.dispose([xs, ys]);
        },
      };
    },
  };
}
