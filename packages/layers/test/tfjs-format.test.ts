import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Tensor } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { BATCH_NORMALIZATION_OWN_KEYS, input, layers, loadLayersModel, model, sequential, type LayersModel, type ModelArtifacts } from '../src/index.js';
import { maxAbsDiff, randn } from './helpers.js';
import { report, tf, tfl, toTf } from './tfjs.js';

/** Same weights, float32 kernels in both: ~1e-7 observed; 1e-5 leaves margin. */
const TOL = 1e-5;

function ourNet(): LayersModel {
  const m = sequential({
    layers: [
      layers.conv2d({ filters: 3, kernelSize: 3, inputShape: [6, 6, 2], activation: 'relu' }),
      layers.batchNormalization(),
      layers.maxPooling2d({}),
      layers.flatten(),
      layers.dense({ units: 4, useBias: false }),
      layers.batchNormalization({ center: false }),
      layers.dropout({ rate: 0.3 }),
      layers.activation({ activation: 'tanh' }),
      layers.dense({ units: 2, activation: 'softmax' }),
    ],
  });
  // Non-trivial moving statistics so inference differs from training.
  m.setWeights(m.getWeights().map((w, i) => (m.weights[i].name.startsWith('moving') ? randn(w.shape, i, 1, 0.2) : w)));
  for (const w of m.weights) if (w.name === 'moving_variance') w.value.data.forEach((v, k, a) => (a[k] = Math.abs(v)));
  return m;
}

async function tfjsArtifacts(m: tfl.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | null = null;
  await m.save(tf.io.withSaveHandler(async (a) => {
    saved = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return saved!;
}

function predictDiff(ours: LayersModel, theirs: tfl.LayersModel, x: Tensor): number {
  return maxAbsDiff((ours.predict(x) as Tensor).data, (theirs.predict(toTf(x)) as tf.Tensor).dataSync());
}

describe('TensorFlow.js Layers format', () => {
  it('a model saved here loads in tfjs and predicts the same', async () => {
    const ours = ourNet();
    let artifacts: ModelArtifacts | null = null;
    await ours.save({ save: (a: ModelArtifacts) => void (artifacts = a) });
    const theirs = await tfl.loadLayersModel(tf.io.fromMemory(artifacts! as tf.io.ModelArtifacts));
    const d = predictDiff(ours, theirs, randn([5, 6, 6, 2], 3));
    report('saved here, loaded in tfjs: predict max |diff|', d);
    expect(d).toBeLessThan(TOL);
  });

  it('model.json and the .bin written to disk load in tfjs', async () => {
    const ours = ourNet();
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bw-save-'));
    const { files } = await ours.save(dir);
    const weightFile = path.basename(files!.weights);
    expect(weightFile).toMatch(/^group1-shard1of1-[0-9a-f]{16}\.bin$/);
    expect((await fs.readdir(dir)).sort()).toEqual([weightFile, 'model.json']);
    const json = JSON.parse(await fs.readFile(files!.modelJson, 'utf8'));
    expect(json.weightsManifest[0].paths).toEqual([weightFile]);
    expect(json.modelTopology.keras_version).toBe('tfjs-layers 4.22.0');
    expect(json.modelTopology.backend).toBe('tensor_flow.js');
    const bin = await fs.readFile(files!.weights);
    const theirs = await tfl.loadLayersModel(
      tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: new Uint8Array(bin).buffer }),
    );
    expect(predictDiff(ours, theirs, randn([4, 6, 6, 2], 4))).toBeLessThan(TOL);
    const back = await loadLayersModel(path.join(dir, 'model.json'));
    expect(Array.from((back.predict(randn([2, 6, 6, 2], 5)) as Tensor).data)).toEqual(Array.from((ours.predict(randn([2, 6, 6, 2], 5)) as Tensor).data));
  });

  it('a tfjs-saved model loads here and predicts the same', async () => {
    const theirs = tfl.sequential({
      layers: [
        tfl.layers.dense({ units: 8, inputShape: [1, 5], activation: 'relu' }),
        tfl.layers.batchNormalization(),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 3, activation: 'softmax' }),
      ],
    });
    theirs.setWeights(theirs.getWeights().map((w, i) => (i >= 6 ? tf.randomUniform(w.shape, 0.5, 1.5, 'float32', i) : w)));
    const ours = await loadLayersModel(await tfjsArtifacts(theirs) as ModelArtifacts);
    const d = predictDiff(ours, theirs, randn([7, 1, 5], 6));
    report('saved in tfjs, loaded here: predict max |diff|', d);
    expect(d).toBeLessThan(TOL);
  });

  it('functional graphs with add and concatenate round-trip through tfjs', async () => {
    const x = input({ shape: [4] });
    const a = layers.dense({ units: 3, activation: 'relu' }).apply(x);
    const b = layers.dense({ units: 3 }).apply(x);
    const s = layers.add().apply([a, b]);
    const n = layers.batchNormalization().apply(s);
    const c = layers.concatenate().apply([n, a]);
    const ours = model({ inputs: x, outputs: layers.dense({ units: 2, activation: 'sigmoid' }).apply(c) });
    let artifacts: ModelArtifacts | null = null;
    await ours.save({ save: (art: ModelArtifacts) => void (artifacts = art) });
    const theirs = await tfl.loadLayersModel(tf.io.fromMemory(artifacts! as tf.io.ModelArtifacts));
    const xs = randn([6, 4], 7);
    expect(predictDiff(ours, theirs, xs)).toBeLessThan(TOL);
    const again = await loadLayersModel(await tfjsArtifacts(theirs) as ModelArtifacts);
    expect(maxAbsDiff((again.predict(xs) as Tensor).data, (ours.predict(xs) as Tensor).data)).toBe(0);
  });

  it('writes the same config keys as tfjs for every layer class', async () => {
    const theirs = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ filters: 3, kernelSize: 3, inputShape: [6, 6, 2] }),
        tfl.layers.batchNormalization(),
        tfl.layers.maxPooling2d({}),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 4 }),
        tfl.layers.dropout({ rate: 0.3 }),
        tfl.layers.activation({ activation: 'tanh' }),
      ],
    });
    const ours = sequential({
      layers: [
        layers.conv2d({ filters: 3, kernelSize: 3, inputShape: [6, 6, 2] }),
        layers.batchNormalization(),
        layers.maxPooling2d({}),
        layers.flatten(),
        layers.dense({ units: 4 }),
        layers.dropout({ rate: 0.3 }),
        layers.activation({ activation: 'tanh' }),
      ],
    });
    const t = (await tfjsArtifacts(theirs)).modelTopology as { config: { layers: { class_name: string; config: object }[] } };
    let o: ModelArtifacts | null = null;
    await ours.save({ save: (a: ModelArtifacts) => void (o = a) });
    const mine = (o!.modelTopology as typeof t).config.layers;
    expect(mine.map((l) => l.class_name)).toEqual(t.config.layers.map((l) => l.class_name));
    // Plus batchwise's own keys, which tfjs ignores (test/batch-norm-state.test.ts loads them in tfjs).
    const own: Record<string, readonly string[]> = { BatchNormalization: BATCH_NORMALIZATION_OWN_KEYS };
    mine.forEach((l, i) => expect(Object.keys(l.config).sort()).toEqual([...Object.keys(t.config.layers[i].config), ...(own[l.class_name] ?? [])].sort()));
    expect(Object.keys(o!.modelTopology).sort()).toEqual(['backend', 'class_name', 'config', 'keras_version']);
  });
});
