// A program that trains a model with batchwise: core + backend-cpu + layers.
import '@batchwise/backend-cpu';
import { Tensor } from '@batchwise/core';
import { layers, sequential, train } from '@batchwise/layers';

globalThis.trainModel = async (x, y, n) => {
  const model = sequential({
    layers: [
      layers.inputLayer({ shape: [28, 28, 1] }),
      layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', useBias: false }),
      layers.batchNormalization(),
      layers.activation({ activation: 'relu' }),
      layers.maxPooling2d({ poolSize: 2 }),
      layers.flatten(),
      layers.dense({ units: 100, useBias: false }),
      layers.batchNormalization(),
      layers.activation({ activation: 'relu' }),
      layers.dropout({ rate: 0.2 }),
      layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: train.adam(0.001), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return model.fit(new Tensor(x, [n, 28, 28, 1]), new Tensor(y, [n]), { epochs: 1, batchSize: 32 });
};
