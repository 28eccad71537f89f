// The batch-norm diagnostics on a small model: the monitor during fit, predict's warning,
// checkBatchNorm, recalibrateBatchNorm and foldBatchNorm.
//   node packages/layers/examples/batch-norm-diagnostics.mjs
import '@batchwise/backend-cpu';
import { randomNormal, Tensor } from '@batchwise/core';
import { callbacks, formatBatchNormCheck, layers, sequential, setWarningHandler, train } from '@batchwise/layers';

// 4 classes of 8 features around 5 (so the moving mean must travel from its initial 0).
const n = 512;
const noise = randomNormal([n, 8], { seed: 1 }).data;
const x = new Tensor(noise.map((v, i) => 5 + 2 * v + ((i % 8) % 4 === Math.floor(i / 8) % 4 ? 3 : 0)), [n, 8]);
const y = new Tensor(Float32Array.from({ length: n * 4 }, (_, i) => (i % 4 === Math.floor(i / 4) % 4 ? 1 : 0)), [n, 4]);

const model = sequential({
  layers: [
    layers.dense({ units: 8, inputShape: [8], useBias: false, name: 'dense1' }),
    layers.batchNormalization({ name: 'bn1' }),
    layers.activation({ activation: 'relu', name: 'relu1' }),
    layers.dense({ units: 4, activation: 'softmax', name: 'out' }),
  ],
});
// A dead unit, as a diverged step or pruning can leave one: column 5 of dense1 is all zero.
const kernel = model.layers[0].weights[0];
kernel.assign(new Tensor(kernel.value.data.map((v, i) => (i % 8 === 5 ? 0 : v)), kernel.shape), 'example');
model.compile({ optimizer: train.adam(0.02), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
setWarningHandler((w) => console.log(`warning: ${w}`));

console.log('--- fit with callbacks.batchNormMonitor(), 8 steps');
const monitor = callbacks.batchNormMonitor({ warn: false });
await model.fit(x, y, { epochs: 1, batchSize: 64, verbose: 0, callbacks: monitor });
console.log(monitor.summary());

console.log('\n--- predict');
const accuracy = () => (model.evaluate(x, y, { batchSize: n })[1] * 100).toFixed(1);
model.predict(x);
console.log(`accuracy in inference mode: ${accuracy()} %`);

console.log('\n--- model.checkBatchNorm(x)');
console.log(formatBatchNormCheck(model.checkBatchNorm(x)));

console.log('\n--- model.recalibrateBatchNorm(x)');
const r = model.recalibrateBatchNorm(x);
console.log(`${r.batches} batches, ${r.samples} samples; ${r.layers.map((l) => `${l.layer}: mean moved up to ${l.meanShift.toFixed(2)} sd, variance up to ${l.varianceChange.toFixed(2)}x`).join('; ')}`);
console.log(`accuracy in inference mode: ${accuracy()} %`);
console.log(formatBatchNormCheck(model.checkBatchNorm(x)));

console.log('\n--- model.foldBatchNorm({ data: x })');
const folded = model.foldBatchNorm({ data: x });
console.log(`folded ${folded.folded.map((f) => `${f.layer} into ${f.into}`).join(', ')}; largest output change ${folded.maxDifference.toExponential(2)}`);
console.log(`layers: ${folded.model.layers.map((l) => l.name).join(', ')}`);
