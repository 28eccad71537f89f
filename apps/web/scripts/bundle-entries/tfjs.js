// The same program with TensorFlow.js 4.22: tfjs-core + tfjs-backend-cpu + tfjs-layers.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';

globalThis.trainModel = async (x, y, n) => {
  const model = tfl.sequential({
    layers: [
      tfl.layers.inputLayer({ inputShape: [28, 28, 1] }),
      tfl.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', useBias: false }),
      tfl.layers.batchNormalization(),
      tfl.layers.activation({ activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 100, useBias: false }),
      tfl.layers.batchNormalization(),
      tfl.layers.activation({ activation: 'relu' }),
      tfl.layers.dropout({ rate: 0.2 }),
      tfl.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return model.fit(tf.tensor4d(x, [n, 28, 28, 1]), tf.tensor1d(y), { epochs: 1, batchSize: 32 });
};
