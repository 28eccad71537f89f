import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InvalidArgumentError, ShapeError, Tensor } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { layers, loadLayersModel, sequential, type BatchNormalization, type ModelArtifacts } from '../src/index.js';
import { randn } from './helpers.js';

/** A hand-written tfjs/Keras-style artifact: Dense -> BN with the given class name and axis form. */
function artifacts(className: string, axis: unknown, weightNames = ['dense/kernel', 'dense/bias', 'bn/gamma', 'bn/beta', 'bn/moving_mean', 'bn/moving_variance']): ModelArtifacts {
  const shapes: Record<string, number[]> = { kernel: [3, 2], bias: [2], gamma: [2], beta: [2], moving_mean: [2], moving_variance: [2] };
  const specs = weightNames.map((name) => ({ name, shape: shapes[name.split('/').pop()!.replace(/:0$/, '')] ?? [2], dtype: 'float32' }));
  const total = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
  const values = Float32Array.from({ length: total }, (_, i) => 0.5 + i / 10);
  return {
    modelTopology: {
      class_name: 'Sequential',
      config: {
        name: 'seq',
        layers: [
          { class_name: 'Dense', config: { name: 'dense', units: 2, activation: 'linear', use_bias: true, batch_input_shape: [null, 3] } },
          { class_name: className, config: { name: 'bn', axis, momentum: 0.9, epsilon: 0.001, center: true, scale: true } },
        ],
      },
    },
    weightSpecs: specs,
    weightData: values.buffer,
  };
}

describe('loadLayersModel', () => {
  for (const className of ['BatchNormalization', 'BatchNormalizationV1', 'BatchNormalizationV2']) {
    for (const axis of [-1, [-1], 1, [1]]) {
      it(`accepts ${className} with axis ${JSON.stringify(axis)}`, async () => {
        const m = await loadLayersModel(artifacts(className, axis));
        const bn = m.getLayer('bn') as BatchNormalization;
        expect(bn.className).toBe('BatchNormalization');
        expect(bn.resolveAxis(2)).toBe(1);
        expect(bn.momentum).toBe(0.9);
      });
    }
  }

  it('maps weights by name, whatever their order and prefixes in the file', async () => {
    const names = ['model/bn/moving_variance:0', 'model/dense/bias:0', 'model/bn/gamma:0', 'model/dense/kernel:0', 'model/bn/beta:0', 'model/bn/moving_mean:0'];
    const m = await loadLayersModel(artifacts('BatchNormalization', -1, names));
    const bn = m.getLayer('bn') as BatchNormalization;
    // moving_variance came first in the file: values 0.5, 0.6.
    expect(Array.from(bn.movingVariance.value.data)).toEqual([0.5, 0.6].map(Math.fround));
    expect(Array.from((m.getLayer('dense') as never as { bias: { value: Tensor } }).bias.value.data)).toEqual([0.7, 0.8].map(Math.fround));
  });

  it('lists missing and extra weights with their shapes', async () => {
    const names = ['dense/kernel', 'dense/bias', 'bn/gamma', 'bn/beta', 'bn/moving_mean', 'other/moving_variance'];
    await expect(loadLayersModel(artifacts('BatchNormalization', -1, names))).rejects.toThrow(
      'loadLayersModel: saved weights must match the model\'s weights by name; missing from the file: bn/moving_variance [2]; extra in the file: other/moving_variance [2].',
    );
  });

  it('rejects unknown layer classes, naming the supported ones', async () => {
    const a = artifacts('LayerNormalization', -1);
    await expect(loadLayersModel(a)).rejects.toThrow(/layer class_name must be one of Dense, Conv2D, BatchNormalization.*BatchNormalizationV1.*received 'LayerNormalization'/);
  });

  it('a missing, truncated or oversized weight file is an error naming the file and tensor', async () => {
    const m = sequential({ layers: [layers.dense({ units: 2, inputShape: [3], name: 'fd' }), layers.batchNormalization({ name: 'fbn' })] });
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bw-load-'));
    const bin = (await m.save(dir)).files!.weights;
    const bytes = await fs.readFile(bin);
    await fs.writeFile(bin, bytes.subarray(0, bytes.length - 4));
    await expect(loadLayersModel(dir)).rejects.toThrow(ShapeError);
    await expect(loadLayersModel(dir)).rejects.toThrow(/weight file .*group1-shard1of1-[0-9a-f]{16}\.bin is truncated: tensor 'fbn\/moving_variance' \[2\] needs bytes 56\.\.64, but the data ends at 60/);
    await fs.writeFile(bin, Buffer.concat([bytes, Buffer.alloc(8)]));
    await expect(loadLayersModel(dir)).rejects.toThrow(/weight file .*\.bin must hold at most 64 bytes \(what the 6 tensors of its manifest group still need\), received 72/);
    await fs.rm(bin);
    await expect(loadLayersModel(path.join(dir, 'model.json'))).rejects.toThrow(/weight file .*group1-shard1of1-[0-9a-f]{16}\.bin \(first tensor 'fd\/kernel'\) must exist and be readable, received ENOENT/);
    await expect(loadLayersModel(path.join(dir, 'nope'))).rejects.toThrow(InvalidArgumentError);
  });

  it('a weight shape that disagrees with the topology names the tensor', async () => {
    const a = artifacts('BatchNormalization', -1);
    a.weightSpecs![0] = { name: 'dense/kernel', shape: [2, 3], dtype: 'float32' };
    await expect(loadLayersModel(a)).rejects.toThrow("loadLayersModel: saved tensor 'dense/kernel' must have the model's shape [3,2], received [2,3].");
  });

  it('saving leaves no temporary files and replaces an older save', async () => {
    const m = sequential({ layers: [layers.dense({ units: 2, inputShape: [3] })] });
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bw-atomic-'));
    await m.save(dir);
    m.layers[0].weights[0].value.data[0] += 1;
    const { files } = await m.save(dir);
    expect((await fs.readdir(dir)).sort()).toEqual([path.basename(files!.weights), 'model.json']);
    const back = await loadLayersModel(dir);
    const x = randn([2, 3], 1);
    expect(Array.from((back.predict(x) as Tensor).data)).toEqual(Array.from((m.predict(x) as Tensor).data));
  });

  it('reads a Keras 3 functional topology (batch_shape, dict inbound_nodes, Functional)', async () => {
    const ref = (name: string) => ({ args: [{ class_name: '__keras_tensor__', config: { shape: [null, 3], dtype: 'float32', keras_history: [name, 0, 0] } }], kwargs: {} });
    const m = await loadLayersModel({
      modelTopology: {
        class_name: 'Functional',
        config: {
          name: 'k3',
          layers: [
            { class_name: 'InputLayer', name: 'input_layer', config: { batch_shape: [null, 3], dtype: 'float32', name: 'input_layer' }, inbound_nodes: [] },
            { class_name: 'Dense', name: 'dense', config: { name: 'dense', units: 2, activation: 'relu', use_bias: true, kernel_initializer: { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null } }, bias_initializer: { class_name: 'Zeros', config: {} }, kernel_regularizer: null, dtype: { class_name: 'DTypePolicy', config: { name: 'float32' } } }, inbound_nodes: [ref('input_layer')] },
            { class_name: 'BatchNormalization', name: 'batch_normalization', config: { name: 'batch_normalization', axis: [-1], momentum: 0.99, epsilon: 0.001, center: true, scale: true, synchronized: false }, inbound_nodes: [ref('dense')] },
          ],
          input_layers: [['input_layer', 0, 0]],
          output_layers: [['batch_normalization', 0, 0]],
        },
      },
      weightSpecs: [],
      weightData: new ArrayBuffer(0),
    }, { strict: false }).catch((e: Error) => e);
    // No weights in the file: the error lists every model weight as missing, with shapes.
    expect((m as Error).message).toMatch(/missing from the file: dense\/kernel \[3,2\], dense\/bias \[2\], batch_normalization\/gamma \[2\]/);
  });
});
