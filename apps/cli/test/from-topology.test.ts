import { describe, expect, it } from 'vitest';
import { CliError } from '../src/cli/errors.js';
import { topologyToSpecs } from '../src/presets/from-topology.js';

const seq = (layers: unknown[]) => ({ modelTopology: { class_name: 'Sequential', config: { name: 's', layers } } });

describe('topologyToSpecs', () => {
  it('reads Keras snake_case configs, input shape and BN options', () => {
    const t = topologyToSpecs('m.json', seq([
      { class_name: 'Conv2D', config: { name: 'c', filters: 4, kernel_size: [3, 3], padding: 'same', use_bias: false, strides: [1, 1], batch_input_shape: [null, 28, 28, 1] } },
      { class_name: 'BatchNormalization', config: { name: 'bn', momentum: 0.9, epsilon: 0.001 } },
      { class_name: 'MaxPooling2D', config: { name: 'p', pool_size: [2, 2], strides: [2, 2] } },
      { class_name: 'Flatten', config: { name: 'f' } },
      { class_name: 'Dense', config: { name: 'd', units: 10, activation: 'softmax' } },
    ]));
    expect(t.inputShape).toEqual([28, 28, 1]);
    expect(t.layers.map((l) => l.type)).toEqual(['conv2d', 'batchNormalization', 'maxPooling2d', 'flatten', 'dense']);
    expect(t.layers[0]).toMatchObject({ filters: 4, kernelSize: 3, padding: 'same', useBias: false });
    expect(t.layers[1]).toMatchObject({ momentum: 0.9, epsilon: 0.001 });
  });

  it.each([
    [[{ class_name: 'LSTM', config: { name: 'l' } }], "layer class must be one of"],
    [[{ class_name: 'Conv2D', config: { name: 'c', filters: 4, kernel_size: 3, strides: [2, 2] } }], 'strides must be 1'],
    [[{ class_name: 'MaxPooling2D', config: { name: 'p', pool_size: [2, 2], strides: [1, 1] } }], 'strides must equal pool_size'],
    [[{ class_name: 'Dense', config: { name: 'd', units: 3, activation: 'gelu' } }], 'activation must be one of'],
    [[], 'has no layers'],
  ])('rejects what it cannot build faithfully: %#', (layers, message) => {
    expect(() => topologyToSpecs('m.json', seq(layers))).toThrow(CliError);
    expect(() => topologyToSpecs('m.json', seq(layers))).toThrow(message);
  });

  it('needs a Sequential model', () => {
    expect(() => topologyToSpecs('m.json', { modelTopology: { class_name: 'Functional', config: {} } })).toThrow('must be a Sequential model');
  });
});
