// batchwise native against PyTorch (CPU, channels-last) and onnxruntime-node on the
// bench models, interleaved in one run, same thread count (run by hand, not part of
// `pnpm bench`; needs Debian's python3-torch):
//   node apps/bench/scripts/compare-peers.mjs [threads] [rounds] [case,...]
// Cases: cnnTrain, cnnBnTrain, mlpTrain, cnnPredict1, cnnPredict8, cnnPredict64, cnnPredict256.
// Each round runs every contender in a rotated order: ~100 ms of untimed calls
// (wakes its threads, warms caches), then 5 timed calls. Medians over all timed calls.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { makeTensor, Random, setBackend, tidy } from '@batchwise/core';
import { setNumThreads } from '@batchwise/backend-native';
import { layers as l, sequential, train } from '@batchwise/layers';
import * as ort from 'onnxruntime-node';

const threads = Number(process.argv[2] ?? 2);
const rounds = Number(process.argv[3] ?? 7);
const cases = (process.argv[4] ?? 'cnnTrain,cnnBnTrain,mlpTrain,cnnPredict1,cnnPredict256').split(',');
const python = process.env.PYTHON ?? '/usr/bin/python3';
setBackend('native');
setNumThreads(threads);

// ---- PyTorch worker ----
const worker = spawn(python, [join(dirname(fileURLToPath(import.meta.url)), 'pytorch-worker.py'), String(threads)], {
  stdio: ['pipe', 'pipe', 'inherit'],
  // Passive OpenMP waits: on a machine shared with other jobs, spinning workers time-slice
  // against each other and a 2-thread step took 10x longer than a 1-thread one.
  env: { OMP_WAIT_POLICY: 'PASSIVE', ...process.env, OMP_NUM_THREADS: String(threads) },
});
const replies = createInterface({ input: worker.stdout });
const pending = [];
replies.on('line', (line) => pending.shift()?.(JSON.parse(line)));
const ask = (cmd) => new Promise((resolve) => { pending.push(resolve); worker.stdin.write(`${cmd}\n`); });

// ---- batchwise models (the bench's architectures and the CLI's cnn-bn preset) ----
function batchwiseModel(c) {
  const conv = (filters, extra = {}) => l.conv2d({ filters, kernelSize: 3, padding: 'same', useBias: false, ...extra });
  if (c === 'mlpTrain') {
    const hidden = (first) => [l.dense({ units: 100, useBias: false, ...(first ? { inputShape: [784] } : {}) }), l.batchNormalization(), l.activation({ activation: 'sigmoid' })];
    return { stack: [...hidden(true), ...hidden(false), ...hidden(false), l.dense({ units: 10, activation: 'softmax' })], opt: 'sgd', shape: [784], batch: 60 };
  }
  if (c === 'cnnBnTrain') {
    const he = { kernelInitializer: 'heNormal' };
    return {
      stack: [l.inputLayer({ shape: [28, 28, 1] }), conv(16, he), l.batchNormalization(), l.activation({ activation: 'relu' }), l.maxPooling2d({ poolSize: 2 }),
        conv(32, he), l.batchNormalization(), l.activation({ activation: 'relu' }), l.maxPooling2d({ poolSize: 2 }),
        l.flatten(), l.dense({ units: 128, useBias: false }), l.batchNormalization(), l.activation({ activation: 'relu' }), l.dropout({ rate: 0.3 }),
        l.dense({ units: 10, activation: 'softmax' })],
      opt: train.adam(3e-3), shape: [28, 28, 1], batch: 64,
    };
  }
  const stack = [conv(32, { inputShape: [28, 28, 1] }), l.batchNormalization(), l.activation({ activation: 'relu' }), l.maxPooling2d({ poolSize: 2 }),
    conv(64), l.batchNormalization(), l.activation({ activation: 'relu' }), l.maxPooling2d({ poolSize: 2 }), l.flatten(), l.dense({ units: 10, activation: 'softmax' })];
  return { stack, opt: 'sgd', shape: [28, 28, 1], batch: c === 'cnnTrain' ? 64 : Number(c.slice('cnnPredict'.length)) };
}

function batchwiseRunner(c) {
  const m = batchwiseModel(c);
  const model = sequential({ layers: m.stack });
  model.compile({ optimizer: m.opt, loss: 'categoricalCrossentropy' });
  const rng = new Random(5);
  const x = makeTensor(Float32Array.from({ length: m.batch * m.shape.reduce((a, b) => a * b) }, () => rng.uniform(0, 1)), [m.batch, ...m.shape]);
  const y = new Float32Array(m.batch * 10);
  for (let i = 0; i < m.batch; i++) y[i * 10 + rng.int(10)] = 1;
  const labels = makeTensor(y, [m.batch, 10]);
  if (c.startsWith('cnnPredict')) return { batch: m.batch, run: async () => tidy(() => void model.predict(x, { batchSize: m.batch })) };
  return { batch: m.batch, run: () => model.trainOnBatch(x, labels) };
}

async function ortRunner(c) {
  if (!c.startsWith('cnnPredict')) return undefined;
  const path = join(mkdtempSync(join(tmpdir(), 'bw-peers-')), 'cnn.onnx');
  await ask(`export ${c} ${path}`);
  const session = await ort.InferenceSession.create(path, {
    intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: process.env.ORT_SPIN ?? '0' } } },
  });
  const batch = Number(c.slice('cnnPredict'.length));
  const rng = new Random(6);
  const x = new ort.Tensor('float32', Float32Array.from({ length: batch * 784 }, () => rng.uniform(0, 1)), [batch, 1, 28, 28]);
  return { batch, run: () => session.run({ x }) };
}

const median = (a) => { const s = [...a].sort((p, q) => p - q); return s[Math.floor(s.length / 2)]; };

async function timeLocal(run, ms) {
  const out = [];
  const end = performance.now() + 100;
  while (performance.now() < end) await run();
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    await run();
    out.push(performance.now() - t0);
  }
  return ms.push(...out);
}

async function timeTorch(c, ms) {
  const first = await ask(`time ${c} 1`);
  const lead = Math.max(1, Math.min(200, Math.round(100 / first.ms[0])));
  await ask(`time ${c} ${lead}`);
  ms.push(...(await ask(`time ${c} 5`)).ms);
}

console.log(JSON.stringify(await ask('info')));
console.log(`threads ${threads}, rounds ${rounds}, ORT ${ort.env.versions.common} (spinning ${process.env.ORT_SPIN ?? '0'})`);
for (const c of cases) {
  const bw = batchwiseRunner(c);
  const ortR = await ortRunner(c);
  const entries = [['batchwise', (ms) => timeLocal(bw.run, ms)], ['pytorch', (ms) => timeTorch(c, ms)]];
  if (ortR) entries.push(['onnxruntime', (ms) => timeLocal(ortR.run, ms)]);
  const times = new Map(entries.map(([id]) => [id, []]));
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < entries.length; i++) {
      const [id, fn] = entries[(i + r) % entries.length];
      globalThis.gc?.();
      await fn(times.get(id));
    }
  }
  const ours = median(times.get('batchwise'));
  const cells = [...times].map(([id, ms]) => `${id} ${median(ms).toFixed(3)} ms (${(bw.batch / median(ms) * 1000).toFixed(0)} img/s)`);
  const ratios = [...times].filter(([id]) => id !== 'batchwise').map(([id, ms]) => `vs ${id} ${(median(ms) / ours).toFixed(2)}x`);
  console.log(`${c} batch ${bw.batch}: ${cells.join(', ')}; ${ratios.join(', ')}`);
}
worker.stdin.end();
