// The article's convolutional network with Batch Norm, in batchwise:
//
//   model = Sequential([
//     Conv2D(32, (3,3), input_shape=(28, 28, 3), activation='relu'), BatchNormalization(),
//     Conv2D(32, (3,3), activation='relu'), BatchNormalization(),
//     MaxPooling2D(),
//     Dense(2, activation='softmax')])
//
// As in Keras, Dense on a 4-D input acts on the last axis, so the article's
// model outputs [null, 12, 12, 2]; the trained model below adds the Flatten
// a classifier needs. Run after building:
//   node packages/layers/examples/article-cnn.mjs
import '@batchwise/backend-cpu';
import { Tensor, Random } from '@batchwise/core';
import { layers, sequential, train } from '@batchwise/layers';

const articleModel = (flatten) =>
  sequential({
    layers: [
      layers.conv2d({ filters: 32, kernelSize: [3, 3], inputShape: [28, 28, 3], activation: 'relu' }),
      layers.batchNormalization(),
      layers.conv2d({ filters: 32, kernelSize: [3, 3], activation: 'relu' }),
      layers.batchNormalization(),
      layers.maxPooling2d(),
      ...(flatten ? [layers.flatten()] : []),
      layers.dense({ units: 2, activation: 'softmax' }),
    ],
  });

console.log('The article model, verbatim:');
articleModel(false).summary();

// Generated images: noise plus a bright 6x6 square, top-left (class 0) or bottom-right (class 1).
function makeImages(n, seed) {
  const rng = new Random(seed);
  const x = new Float32Array(n * 28 * 28 * 3);
  const y = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    const cls = i % 2;
    for (let k = 0; k < 28 * 28 * 3; k++) x[i * 2352 + k] = rng.normal(0, 0.3);
    const top = cls === 0 ? 3 + rng.int(6) : 15 + rng.int(6);
    const left = cls === 0 ? 3 + rng.int(6) : 15 + rng.int(6);
    for (let r = top; r < top + 6; r++) for (let c = left; c < left + 6; c++) for (let ch = 0; ch < 3; ch++) x[i * 2352 + (r * 28 + c) * 3 + ch] += 1;
    y[i * 2 + cls] = 1;
  }
  return { x: new Tensor(x, [n, 28, 28, 3]), y: new Tensor(y, [n, 2]) };
}

const model = articleModel(true);
console.log('\nTrained with Flatten before the classifier:');
model.summary();
const data = makeImages(96, 1);
const test = makeImages(48, 2);
model.compile({ optimizer: train.adam(0.005), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(data.x, data.y, { epochs: 3, batchSize: 16 });
const [loss, acc] = model.evaluate(test.x, test.y);
console.log(`test loss ${loss.toFixed(4)}, test accuracy ${(acc * 100).toFixed(1)}%`);
