// Precise batch norm on Fashion-MNIST: how much test accuracy model.recalibrateBatchNorm recovers
// (1) after a short training run, whose moving statistics still carry their initializers, and
// (2) after averaging the weights of several checkpoints (pytorch #30559, torch.optim.swa_utils.update_bn),
// whose averaged moving statistics are not those of the averaged weights.
//
//   npx --yes pnpm@10 build && node apps/cli/examples/precise-bn.mjs [--seeds 1,2,3] [--json out.json]
//
// The cnn-bn preset of `batchwise train`, Adam, batch 64, on the best backend available (native).
import '@batchwise/backend-cpu';
import '@batchwise/backend-native';
import { getBackend, ops, tidy } from '@batchwise/core';
import { loadFashionMnist } from '@batchwise/datasets';
import { setWarningHandler, train } from '@batchwise/layers';
import { writeFileSync } from 'node:fs';
import { buildModel, CNN_BN, IMAGE_INPUT_SHAPE } from '../dist/presets/index.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const seeds = arg('seeds', '1,2,3').split(',').map(Number);
const jsonPath = arg('json', null);
const parts = arg('parts', 'short,average').split(',');
const SHORT_STEPS = [50, 200, 900];
/** Precise BN over 100 batches of 256 training images (the first 25,600: the split is class-interleaved). */
const RECALIBRATION = { batches: 100, batchSize: 256 };
const BATCH = 64;

setWarningHandler(() => {}); // the stale models are stale on purpose
const trainSet = loadFashionMnist({ split: 'train' });
const testSet = loadFashionMnist({ split: 'test' });
const backend = getBackend();

const accuracy = (m) => m.evaluate(testSet.images, testSet.oneHot, { batchSize: 500 })[1];
const model = (seed, lr) => {
  const m = buildModel(CNN_BN.layers(), IMAGE_INPUT_SHAPE, seed, 'cnn-bn');
  m.compile({ optimizer: train.adam(lr), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return m;
};
const firstRows = (t, n) => ops.gather(t, Int32Array.from({ length: n }, (_, i) => i), { axis: 0 });
const fmt = (v) => `${(100 * v).toFixed(2)} %`;

const results = { backend: backend.name, recalibration: RECALIBRATION, short: [], average: [] };
const t0 = performance.now();

// (1) Short runs: exactly `steps` updates of momentum 0.99 (the initializers keep 0.99^steps of the weight).
for (const seed of parts.includes('short') ? seeds : []) {
  for (const steps of SHORT_STEPS) {
    const m = model(seed, 3e-3);
    await m.fit(firstRows(trainSet.images, steps * BATCH), firstRows(trainSet.oneHot, steps * BATCH), { epochs: 1, batchSize: BATCH, seed, verbose: 0 });
    const before = accuracy(m);
    m.recalibrateBatchNorm(trainSet.images, RECALIBRATION);
    const after = accuracy(m);
    results.short.push({ seed, steps, before, after });
    console.error(`short seed ${seed} steps ${steps}: ${fmt(before)} -> ${fmt(after)}`);
  }
}

// (2) Weight averaging as stochastic weight averaging does it: 2 epochs of Adam at lr 3e-3, then 3
// epochs of SGD (momentum 0.9) at a high constant learning rate, 0.05, with a checkpoint every half
// epoch; the 6 checkpoints' weights, moving statistics included, are averaged.
for (const seed of parts.includes('average') ? seeds : []) {
  const m = model(seed, 3e-3);
  const half = trainSet.labels.length / 2;
  await m.fit(trainSet.images, trainSet.oneHot, { epochs: 2, batchSize: BATCH, seed, verbose: 0 });
  m.compile({ optimizer: train.sgd({ learningRate: 0.05, momentum: 0.9 }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const checkpoints = [];
  for (let epoch = 2; epoch < 5; epoch++) {
    for (let part = 0; part < 2; part++) {
      const idx = Int32Array.from({ length: half }, (_, i) => part * half + i);
      await m.fit(ops.gather(trainSet.images, idx, { axis: 0 }), ops.gather(trainSet.oneHot, idx, { axis: 0 }), { epochs: 1, batchSize: BATCH, seed: seed * 100 + epoch * 2 + part, verbose: 0 });
      checkpoints.push(m.getWeights());
    }
  }
  const last = accuracy(m);
  const averagedWeights = checkpoints[0].map((_, i) => tidy(() => ops.mulScalar(checkpoints.map((c) => c[i]).reduce((a, b) => ops.add(a, b)), 1 / checkpoints.length)));
  // As torch.optim.swa_utils.AveragedModel: the weights averaged, the moving statistics those of the model it was made from (the first checkpoint).
  const isStatistic = m.weights.map((w) => w.name.startsWith('moving_'));
  m.setWeights(averagedWeights.map((w, i) => (isStatistic[i] ? checkpoints[0][i] : w)));
  const firstStatistics = accuracy(m);
  const check = m.checkBatchNorm(firstRows(trainSet.images, 256), { reference: firstRows(trainSet.images, 2048) });
  // Everything averaged, the moving statistics too.
  m.setWeights(averagedWeights);
  const averaged = accuracy(m);
  m.recalibrateBatchNorm(trainSet.images, RECALIBRATION);
  const recalibrated = accuracy(m);
  results.average.push({ seed, checkpoints: checkpoints.length, last, firstStatistics, averaged, recalibrated, causes: check.layers.map((l) => l.causes.map((c) => c.kind)) });
  console.error(`average seed ${seed}: last ${fmt(last)}, first checkpoint's statistics ${fmt(firstStatistics)}, averaged ${fmt(averaged)}, recalibrated ${fmt(recalibrated)}; check ${JSON.stringify(results.average.at(-1).causes)}`);
}
results.seconds = (performance.now() - t0) / 1000;

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log(`Fashion-MNIST test accuracy (10,000 images), cnn-bn, ${backend.name} backend, seeds ${seeds.join(', ')} (mean; min-max):\n`);
console.log('| run | moving statistics | recalibrated | gain |');
console.log('|---|---:|---:|---:|');
const span = (xs) => `${fmt(mean(xs))} (${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))})`;
for (const steps of results.short.length > 0 ? SHORT_STEPS : []) {
  const rows = results.short.filter((r) => r.steps === steps);
  const gain = rows.map((r) => r.after - r.before);
  console.log(`| ${steps} steps (${steps * BATCH} images) | ${span(rows.map((r) => r.before))} | ${span(rows.map((r) => r.after))} | ${(100 * mean(gain)).toFixed(2)} points |`);
}
const a = results.average;
if (a.length > 0) {
  const recal = span(a.map((r) => r.recalibrated));
  console.log(`| average of ${a[0].checkpoints} checkpoints, first checkpoint's statistics (AveragedModel) | ${span(a.map((r) => r.firstStatistics))} | ${recal} | ${(100 * mean(a.map((r) => r.recalibrated - r.firstStatistics))).toFixed(2)} points |`);
  console.log(`| average of ${a[0].checkpoints} checkpoints, statistics averaged too | ${span(a.map((r) => r.averaged))} | ${recal} | ${(100 * mean(a.map((r) => r.recalibrated - r.averaged))).toFixed(2)} points |`);
}
if (a.length > 0) console.log(`| (last checkpoint alone) | ${span(a.map((r) => r.last))} | | |`);
console.log(`\n${results.seconds.toFixed(0)} s in all.`);
if (jsonPath) writeFileSync(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
