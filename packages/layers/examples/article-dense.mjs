// The article's feed-forward network with Batch Norm, in batchwise:
//
//   model = Sequential([
//     Dense(16, input_shape=(1,5), activation='relu'), BatchNormalization(),
//     Dense(32, activation='relu'), BatchNormalization(),
//     Dense(2, activation='softmax')])
//
// Run after building: node packages/layers/examples/article-dense.mjs
import '@batchwise/backend-cpu';
import { Tensor, randomNormal } from '@batchwise/core';
import { layers, sequential, standardScaler, train } from '@batchwise/layers';

const model = sequential({
  layers: [
    layers.dense({ units: 16, inputShape: [1, 5], activation: 'relu' }),
    layers.batchNormalization(),
    layers.dense({ units: 32, activation: 'relu' }),
    layers.batchNormalization(),
    layers.dense({ units: 2, activation: 'softmax' }),
  ],
});
model.summary();

// Generated data: 5 features on very different scales (like age in years vs
// kilometres driven); class 1 when a weighted sum of them is positive.
function makeData(n, seed) {
  const x = randomNormal([n, 1, 5], { seed });
  const scales = [1, 1000, 0.01, 30, 5];
  const y = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < 5; j++) {
      s += x.data[i * 5 + j] * (j % 2 === 0 ? 1 : -0.5);
      x.data[i * 5 + j] *= scales[j];
    }
    y[i * 2 + (s > 0 ? 1 : 0)] = 1;
  }
  return { x, y: new Tensor(y, [n, 1, 2]) };
}

const raw = makeData(512, 1);
const rawTest = makeData(256, 2);
// Section 2 of the article: normalize the inputs first (fit on training data only).
const scaler = standardScaler().fit(raw.x);
const x = scaler.transform(raw.x);
const y = raw.y;
const test = { x: scaler.transform(rawTest.x), y: rawTest.y };
model.compile({ optimizer: train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
await model.fit(x, y, { epochs: 10, batchSize: 32, validationSplit: 0.2 });
const [loss, acc] = model.evaluate(test.x, test.y);
console.log(`test loss ${loss.toFixed(4)}, test accuracy ${(acc * 100).toFixed(1)}%`);
