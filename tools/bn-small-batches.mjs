#!/usr/bin/env node
// Batch norm at batch sizes 2, 4 and 8 (and 32 for reference) on Fashion-MNIST: plain batch norm against batch
// renormalization, ghost batches, group normalization and no normalization, same network, data
// and seeds.
// Prints a markdown table (the layers README quotes it) and, with --json, the numbers.
//
//   npx --yes pnpm@10 build && node tools/bn-small-batches.mjs [--train 12000] [--test 2000] [--seeds 2]
//
// Every run sees the same number of training images (one pass over --train), so a smaller batch
// takes more steps. Test accuracy is in inference mode (moving statistics), after training.
import { setBackend, listBackends } from '@batchwise/core';
import '@batchwise/backend-cpu';
import { layers, sequential, train, setWarningHandler } from '@batchwise/layers';
import { loadFashionMnist } from '@batchwise/datasets';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []));
const TRAIN = Number(args.train ?? 12000);
const TEST = Number(args.test ?? 2000);
const SEEDS = Number(args.seeds ?? 2);
const BATCHES = [2, 4, 8, 32];

try {
  await import('@batchwise/backend-native');
  setBackend('native');
} catch (e) {
  console.error(`native backend unavailable (${e.message}); using cpu`);
  setBackend('cpu');
}
setWarningHandler(() => undefined); // the small-batch warnings are the point here

const VARIANTS = {
  none: { label: 'no normalization', norm: null },
  bn: { label: 'batch norm', norm: () => layers.batchNormalization() },
  debiased: { label: 'batch norm, biasCorrection', norm: () => layers.batchNormalization({ biasCorrection: true }) },
  renorm: { label: 'batch renorm (rmax 3, dmax 5)', norm: () => layers.batchNormalization({ renorm: true, renormClipping: { rmin: 1 / 3, rmax: 3, dmax: 5 }, renormMomentum: 0.99 }) },
  ghost2: { label: 'ghost batch norm (virtual 2)', norm: () => layers.batchNormalization({ virtualBatchSize: 2 }), minBatch: 4 },
  group: { label: 'group norm (4 groups of 25)', norm: () => layers.groupNormalization({ groups: 4 }) },
};

function build(variant) {
  const block = (units) => (variant.norm ? [layers.dense({ units, useBias: false }), variant.norm(), layers.activation({ activation: 'relu' })] : [layers.dense({ units, activation: 'relu' })]);
  return sequential({ layers: [layers.inputLayer({ shape: [28, 28, 1] }), layers.flatten(), ...block(100), ...block(100), layers.dense({ units: 10, activation: 'softmax' })] });
}

const trainSet = loadFashionMnist({ split: 'train', limit: TRAIN });
const testSet = loadFashionMnist({ split: 'test', limit: TEST });
const info = listBackends().find((b) => b.active) ?? {};
console.log(`Fashion-MNIST, ${trainSet.labels.length} training images (one pass), ${testSet.labels.length} test images; MLP 784-100-100-10, Adam 1e-3; backend ${info.name ?? '?'}; seeds ${SEEDS}`);

const results = {};
for (const [key, variant] of Object.entries(VARIANTS)) {
  results[key] = {};
  for (const batchSize of BATCHES) {
    if (variant.minBatch && batchSize < variant.minBatch) continue;
    const accs = [];
    const started = Date.now();
    for (let seed = 0; seed < SEEDS; seed++) {
      const m = build(variant);
      m.initializeWeights(seed);
      m.compile({ optimizer: train.adam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      await m.fit(trainSet.images, trainSet.oneHot, { epochs: 1, batchSize, seed, verbose: 0 });
      const [, acc] = m.evaluate(testSet.images, testSet.oneHot, { batchSize: 500 });
      accs.push(acc);
    }
    results[key][batchSize] = accs;
    console.error(`${key} batch ${batchSize}: ${accs.map((a) => (100 * a).toFixed(1)).join(', ')} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
}

const mean = (xs) => xs.reduce((s, x) => s + x, 0) / xs.length;
const cell = (accs) => (accs ? `${(100 * mean(accs)).toFixed(1)}% (${accs.map((a) => (100 * a).toFixed(1)).join(' / ')})` : 'n/a');
console.log(`\n| test accuracy | ${BATCHES.map((b) => `batch ${b}`).join(' | ')} |`);
console.log(`|---|${BATCHES.map(() => '---:').join('|')}|`);
for (const [key, variant] of Object.entries(VARIANTS)) console.log(`| ${variant.label} | ${BATCHES.map((b) => cell(results[key][b])).join(' | ')} |`);
if (args.json !== undefined || process.argv.includes('--json')) console.log(JSON.stringify({ train: TRAIN, test: TEST, seeds: SEEDS, results }));
