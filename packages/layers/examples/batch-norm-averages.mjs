// Moving averages after a short run: Keras' exponential, bias-corrected, cumulative.
//   node packages/layers/examples/batch-norm-averages.mjs
import '@batchwise/backend-cpu';
import { randomNormal } from '@batchwise/core';
import { layers } from '@batchwise/layers';

const variants = {
  'momentum 0.99 (Keras)': layers.batchNormalization({ momentum: 0.99 }),
  'momentum 0.99, biasCorrection': layers.batchNormalization({ momentum: 0.99, biasCorrection: true }),
  'momentum null (cumulative)': layers.batchNormalization({ momentum: null }),
};
// 20 batches of one feature with mean 5 and variance 4.
for (let step = 0; step < 20; step++) {
  const x = randomNormal([32, 1], { seed: step, mean: 5, stddev: 2 });
  for (const bn of Object.values(variants)) bn.apply(x, { training: true });
}
for (const [name, bn] of Object.entries(variants)) {
  console.log(`${name.padEnd(32)} moving mean ${bn.movingMean.value.data[0].toFixed(3)}, moving variance ${bn.movingVariance.value.data[0].toFixed(3)} after ${bn.movingUpdates} updates`);
}
