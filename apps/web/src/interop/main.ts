import '../styles.css';
import '@batchwise/backend-cpu';
import { Random, Tensor } from '@batchwise/core';
import { layers, loadLayersModel, sequential, type LayersModel } from '@batchwise/layers';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { byId } from '../demo/dom.js';

/*
 * One model format, both ways, in the browser: each library saves the same
 * small network to IndexedDB and the other loads it; both predict fixed
 * inputs. Weights (moving statistics included) are drawn from a seed, so
 * batch normalization is not the identity. `window.interop` lets the
 * browser tests drive each step.
 */

const SHAPE = [8, 8, 1];
const INPUT = (() => {
  const r = new Random(7);
  return Float32Array.from({ length: 4 * 64 }, () => r.uniform(0, 1));
})();

/** Values for every weight, in getWeights() order, the same in both libraries (variances kept positive). */
function weightValues(shapes: number[][]): Float32Array[] {
  const r = new Random(11);
  return shapes.map((s) => Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => r.uniform(0.2, 1.2)));
}

function batchwiseModel(): LayersModel {
  const m = sequential({
    name: 'interop',
    layers: [
      layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', useBias: false, inputShape: SHAPE, name: 'conv' }),
      layers.batchNormalization({ name: 'bn' }),
      layers.activation({ activation: 'relu', name: 'relu' }),
      layers.maxPooling2d({ poolSize: 2, name: 'pool' }),
      layers.flatten({ name: 'flat' }),
      layers.dense({ units: 3, activation: 'softmax', name: 'out' }),
    ],
  });
  const values = weightValues(m.getWeights().map((w) => [...w.shape]));
  m.setWeights(m.getWeights().map((w, i) => new Tensor(values[i], w.shape)));
  return m;
}

function tfjsModel(): tfl.LayersModel {
  const m = tfl.sequential({
    name: 'interop',
    layers: [
      tfl.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', useBias: false, inputShape: SHAPE, name: 'conv' }),
      tfl.layers.batchNormalization({ name: 'bn' }),
      tfl.layers.activation({ activation: 'relu', name: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2, name: 'pool' }),
      tfl.layers.flatten({ name: 'flat' }),
      tfl.layers.dense({ units: 3, activation: 'softmax', name: 'out' }),
    ],
  });
  const values = weightValues(m.getWeights().map((w) => w.shape));
  m.setWeights(m.getWeights().map((w, i) => tf.tensor(values[i], w.shape)));
  return m;
}

const predictBatchwise = (m: LayersModel) => Array.from((m.predict(new Tensor(INPUT, [4, ...SHAPE])) as Tensor).data);
const predictTfjs = (m: tfl.LayersModel) => Array.from((m.predict(tf.tensor(INPUT, [4, ...SHAPE])) as tf.Tensor).dataSync());

const interop = {
  /** tfjs saves to indexeddb://name; its predictions. */
  async tfjsSaves(name: string): Promise<number[]> {
    const m = tfjsModel();
    await m.save(`indexeddb://${name}`);
    return predictTfjs(m);
  },
  async batchwiseLoads(name: string): Promise<number[]> {
    return predictBatchwise(await loadLayersModel(`indexeddb://${name}`));
  },
  async batchwiseSaves(name: string): Promise<number[]> {
    const m = batchwiseModel();
    await m.save(`indexeddb://${name}`);
    return predictBatchwise(m);
  },
  async tfjsLoads(name: string): Promise<number[]> {
    return predictTfjs(await tfl.loadLayersModel(`indexeddb://${name}`));
  },
  /** What tfjs's model manager lists (it reads the info store batchwise writes too). */
  async tfjsListModels(): Promise<string[]> {
    return Object.keys(await tf.io.listModels());
  },
};
(window as unknown as { interop: typeof interop }).interop = interop;

const maxDiff = (a: number[], b: number[]) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

async function check(): Promise<void> {
  await tf.setBackend('cpu');
  const fromTfjs = maxDiff(await interop.tfjsSaves('interop-from-tfjs'), await interop.batchwiseLoads('interop-from-tfjs'));
  const fromBatchwise = maxDiff(await interop.batchwiseSaves('interop-from-batchwise'), await interop.tfjsLoads('interop-from-batchwise'));
  byId('status').textContent = `Saved by TensorFlow.js, loaded by batchwise: predictions differ by at most ${fromTfjs.toExponential(2)}. Saved by batchwise, loaded by TensorFlow.js: at most ${fromBatchwise.toExponential(2)}.`;
}

byId('run').addEventListener('click', () => {
  check().catch((e: unknown) => (byId('error').textContent = e instanceof Error ? e.message : String(e)));
});
await tf.setBackend('cpu');
