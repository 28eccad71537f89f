// Fine-tuning with a frozen batch-norm base, the three switches one by one.
//   node packages/layers/examples/batch-norm-freezing.mjs
import '@batchwise/backend-cpu';
import { randomNormal, Tensor } from '@batchwise/core';
import { layers, sequential, train } from '@batchwise/layers';

const labels = (n) => new Tensor(Float32Array.from({ length: 2 * n }, (_, i) => (i % 2 === (i >> 1) % 2 ? 1 : 0)), [n, 2]);
const round = (t) => Array.from(t.data, (v) => v.toFixed(3)).join(' ');

for (const freeze of ['weights only (trainGammaBeta = false)', 'trainable = false']) {
  const bn = layers.batchNormalization({ name: 'base_bn', momentum: 0.9 });
  const m = sequential({ layers: [layers.dense({ units: 3, inputShape: [4], name: 'base_dense' }), bn, layers.dense({ units: 2, activation: 'softmax', name: 'head' })] });
  m.compile({ optimizer: train.sgd(0.05), loss: 'categoricalCrossentropy' });
  await m.fit(randomNormal([64, 4], { seed: 1 }), labels(64), { epochs: 2, batchSize: 16, verbose: 0 });
  m.layers[0].trainable = false;
  if (freeze.startsWith('weights')) bn.trainGammaBeta = false;
  else bn.trainable = false;
  console.log(`${freeze}: normalizeWith ${bn.normalizeWith}, updateMovingStatistics ${bn.updateMovingStatistics}, trainGammaBeta ${bn.trainGammaBeta}`);
  console.log(`  moving mean before fine-tuning: ${round(bn.movingMean.value)}`);
  await m.fit(randomNormal([64, 4], { seed: 2, mean: 3, stddev: 2 }), labels(64), { epochs: 1, batchSize: 16, verbose: 0 });
  console.log(`  moving mean after:              ${round(bn.movingMean.value)}  (updates: ${bn.movingUpdates})`);
}
