import type * as TfCore from '@tensorflow/tfjs-core';
import type * as TfLayers from '@tensorflow/tfjs-layers';
import type { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { CLASSES, HIDDEN_LAYERS, HIDDEN_UNITS, INPUT_SIZE, type Variant } from '../shared/networks.js';
import { serveContenders, type Contender } from './speed-worker-loop.js';

/*
 * TensorFlow.js's side of the speed page, in a classic worker that loads
 * tfjs 4.22's own prebuilt bundles (tf-core, tf-backend-cpu, tf-layers,
 * tf-backend-wasm; see protocol.ts for why not re-bundled). The networks are
 * batchwise's, layer for layer: Dense without bias before BN, ReLU as its
 * own layer, softmax output, SGD 0.1, sparse categorical cross-entropy.
 */

type Tf = typeof TfCore & typeof TfLayers & { wasm: { setWasmPaths: typeof setWasmPaths; getThreadsCount: typeof getThreadsCount } };
declare function importScripts(...urls: string[]): void;

const LEARNING_RATE = 0.1;

function network(tf: Tf, variant: Variant): TfLayers.Sequential {
  const model = tf.sequential();
  for (let i = 0; i < HIDDEN_LAYERS; i++) {
    model.add(tf.layers.dense({ units: HIDDEN_UNITS, useBias: variant === 'plain', ...(i === 0 ? { inputShape: [INPUT_SIZE] } : {}) }));
    if (variant === 'bn') model.add(tf.layers.batchNormalization());
    model.add(tf.layers.activation({ activation: 'relu' }));
  }
  model.add(tf.layers.dense({ units: CLASSES, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.sgd(LEARNING_RATE), loss: 'sparseCategoricalCrossentropy' });
  return model;
}

function contender(tf: Tf, backendName: 'cpu' | 'wasm', wasmPaths: Record<string, string>): Contender {
  return {
    name: `TensorFlow.js ${backendName}`,
    async activate() {
      if (backendName === 'wasm') tf.wasm.setWasmPaths(wasmPaths);
      if (!(await tf.setBackend(backendName))) throw new Error(`TensorFlow.js could not start its '${backendName}' backend.`);
      await tf.ready();
    },
    detail() {
      if (backendName === 'cpu') return 'tfjs-backend-cpu 4.22 (1 thread)';
      const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
      const count = tf.wasm.getThreadsCount();
      return `tfjs-backend-wasm 4.22 (${count} thread${count === 1 ? '' : 's'}${simd ? ', SIMD' : ''})`;
    },
    network(variant) {
      const model = network(tf, variant);
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

serveContenders(async (setup) => {
  if (!setup.tfjs) throw new Error('the TensorFlow.js worker must be given the URLs of tfjs scripts.');
  importScripts(...setup.tfjs.scripts);
  const tf = (self as unknown as { tf: Tf }).tf;
  const paths = setup.tfjs.wasmPaths;
  return [contender(tf, 'cpu', paths), contender(tf, 'wasm', paths)];
});
