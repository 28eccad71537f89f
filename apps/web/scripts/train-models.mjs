#!/usr/bin/env node
// Trains the two models the page ships, with the `batchwise train` command,
// and copies model.json + weights into public/models/<name>/. Run once by
// hand (`node apps/web/scripts/train-models.mjs`, after a build); the
// results are committed, since they are small (about 40 KB each) and the
// page's tests compare against exactly these weights.
//
// The network: a small CNN with batch normalization (conv8-BN-relu-pool,
// conv16-BN-relu-pool, dense 10), 9.3k parameters: convolutions and pooling
// make it tolerant of where a hand-drawn digit sits, and it is small enough
// that the page loads it at once.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { layers, modelToArtifacts, sequential } from '@batchwise/layers';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..', '..');
const cli = join(repo, 'apps', 'cli', 'bin', 'batchwise.js');

export const MODELS = [
  { name: 'digits', dataset: 'mnist', epochs: 12 },
  { name: 'clothes', dataset: 'fashion-mnist', epochs: 4 },
];

function topology() {
  const conv = (filters) => layers.conv2d({ filters, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: 'heNormal' });
  const model = sequential({
    name: 'small_cnn_bn',
    layers: [
      layers.inputLayer({ shape: [28, 28, 1] }),
      conv(8), layers.batchNormalization(), layers.activation({ activation: 'relu' }), layers.maxPooling2d({ poolSize: 2 }),
      conv(16), layers.batchNormalization(), layers.activation({ activation: 'relu' }), layers.maxPooling2d({ poolSize: 2 }),
      layers.flatten(),
      layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  return { modelTopology: modelToArtifacts(model).modelTopology };
}

const work = mkdtempSync(join(tmpdir(), 'bw-web-models-'));
try {
  const topologyFile = join(work, 'small-cnn-bn.json');
  writeFileSync(topologyFile, JSON.stringify(topology()));
  for (const m of MODELS) {
    const run = join(work, m.name);
    const args = [cli, 'train', topologyFile, '--dataset', m.dataset, '--epochs', String(m.epochs), '--batch-size', '64',
      '--optimizer', 'adam', '--lr', '0.003', '--lr-decay', '0.8', '--seed', '1', '--out', run];
    console.log(`train-models: node ${args.map((a) => a.replace(work, '<tmp>')).join(' ')}`);
    execFileSync(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    // The run directory holds the model (model.json + its weight file) beside the report and checkpoints.
    const files = readdirSync(run).filter((f) => f === 'model.json' || /^group\d+-shard\d+of\d+.*\.bin$/.test(f));
    const target = join(here, '..', 'public', 'models', m.name);
    rmSync(target, { recursive: true, force: true });
    mkdirSync(target, { recursive: true });
    for (const f of files) copyFileSync(join(run, f), join(target, f));
    console.log(`train-models: ${m.name} -> ${target}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
