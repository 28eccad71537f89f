// The same program on batchwise's WebAssembly backend: core + backend-wasm + layers.
import { initWasmBackend } from '@batchwise/backend-wasm';
import { Tensor } from '@batchwise/core';
import { layers, sequential, train } from '@batchwise/layers';

globalThis.trainModel = async (x, y, n) => {
  await initWasmBackend();
  const model = sequential({
    layers: [
      layers.inputLayer({ shape: [28, 28, 1] }),
      layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', useBias: false }),
      layers.batchNormalization(),
      layers.activation({ activation: 'relu' }),
      layers.maxPooling2d({ poolSize: 2 }),
      layers.flatten(),
      layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: train.adam(0.001), loss: 'sparseCategoricalCrossentropy' });
  return model.fit(new Tensor(x, [n, 28, 28, 1]), new Tensor(y, [n]), { epochs: 1, batchSize: 32 });
};
