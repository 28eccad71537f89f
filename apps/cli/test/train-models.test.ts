import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { layers, model, modelToArtifacts } from '@batchwise/layers';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run, tempDir } from './helpers.js';

/*
 * `batchwise train model.json` builds any topology @batchwise/layers loads:
 * one saved by TensorFlow.js itself with strided and dilated convolutions,
 * and a functional (non-Sequential) model with two paths.
 */

const { dir, cleanup } = tempDir();
afterAll(cleanup);

interface TrainJson { status: string; test: { accuracy: number } | null; history: unknown[] }

async function tfjsTopology(): Promise<unknown> {
  await tf.setBackend('cpu');
  const m = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, strides: 2, padding: 'same', useBias: false }),
      tfl.layers.batchNormalization(),
      tfl.layers.activation({ activation: 'relu' }),
      tfl.layers.conv2d({ filters: 8, kernelSize: 3, dilationRate: 2, padding: 'valid', activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  let saved: unknown;
  await m.save(tf.io.withSaveHandler(async (artifacts) => {
    saved = { modelTopology: artifacts.modelTopology, format: artifacts.format, generatedBy: artifacts.generatedBy };
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return saved;
}

describe('batchwise train on model.json topologies', () => {
  it('trains a topology saved by TensorFlow.js with strided and dilated convolutions', async () => {
    const file = join(dir, 'tfjs-model.json');
    writeFileSync(file, JSON.stringify(await tfjsTopology()));
    const r = await run(['train', file, '--limit', '200', '--epochs', '1', '--backend', 'cpu', '--out', join(dir, 'tfjs'), '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as TrainJson;
    expect(j.status).toBe('completed');
    expect(j.history).toHaveLength(1);
  });

  it('trains a functional model with two paths', async () => {
    const input = layers.input({ shape: [28, 28, 1] });
    const flat = layers.flatten().apply(input);
    const a = layers.dense({ units: 16, useBias: false }).apply(flat);
    const an = layers.activation({ activation: 'relu' }).apply(layers.batchNormalization().apply(a));
    const b = layers.dense({ units: 16, activation: 'tanh' }).apply(flat);
    const joined = layers.concatenate().apply([an, b]);
    const out = layers.dense({ units: 10, activation: 'softmax' }).apply(joined);
    const file = join(dir, 'functional.json');
    writeFileSync(file, JSON.stringify({ modelTopology: modelToArtifacts(model({ inputs: input, outputs: out })).modelTopology }));
    const r = await run(['train', file, '--limit', '200', '--epochs', '1', '--backend', 'cpu', '--out', join(dir, 'functional'), '--json']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as TrainJson).status).toBe('completed');
    const s = await run(['summary', join(dir, 'functional')]);
    expect(s.stderr).toBe('');
    expect(s.stdout).toContain('Concatenate');
  });

  it('refuses a topology whose input is not a 28x28x1 image, in one line', async () => {
    const input = layers.input({ shape: [5] });
    const file = join(dir, 'tabular.json');
    writeFileSync(file, JSON.stringify(modelToArtifacts(model({ inputs: input, outputs: layers.dense({ units: 2 }).apply(input) })).modelTopology));
    const r = await run(['train', file, '--limit', '50', '--backend', 'cpu', '--out', join(dir, 'tabular')]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('the model takes inputs of shape [5] per example');
  });
});
