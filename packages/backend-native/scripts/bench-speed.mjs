#!/usr/bin/env node
// Timings of maxPool, batch norm and the pointwise kernels through the Backend
// (fresh outputs included, as apps/bench measures them): median and
// interquartile range of N runs after warm-up, on 1 and 2 threads.
//   node scripts/bench-speed.mjs [runs] [filter]
import { makeTensor } from '@batchwise/core';
import { createNativeBackend } from '../dist/index.js';

const runs = Number(process.argv[2] ?? 41);
const only = process.argv[3] ?? '';

function filled(n, seed) {
  const a = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 31 - 1;
  }
  return a;
}

function stats(fn) {
  for (let i = 0; i < 3; i++) fn();
  const t = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    t.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  t.sort((a, b) => a - b);
  const q = (p) => t[Math.floor(p * (t.length - 1))];
  return `${q(0.5).toFixed(3)} ms (IQR ${q(0.25).toFixed(3)}-${q(0.75).toFixed(3)}, min ${t[0].toFixed(3)})`;
}

const shape = [64, 28, 28, 32], n = 64 * 28 * 28 * 32;
const x = makeTensor(filled(n, 6), shape), dyFull = makeTensor(filled(n, 7), shape);
const gamma = makeTensor(filled(32, 8), [32]), beta = makeTensor(filled(32, 9), [32]);
const pool = { poolSize: [2, 2], strides: [2, 2], padding: 'valid' };
const small = makeTensor(filled(n / 4, 10), [64, 14, 14, 32]);
const logits = makeTensor(filled(512 * 1000, 11), [512, 1000]);

for (const threads of [1, 2]) {
  const b = createNativeBackend({ numThreads: threads });
  const cases = {
    maxPool: () => b.maxPool(x, pool),
    maxPoolBackward: (() => { const { argmax } = b.maxPool(x, pool); return () => b.maxPoolBackward(small, argmax, shape); })(),
    bnTrain: () => b.batchNormTraining(x, gamma, beta, { epsilon: 1e-3 }),
    bnTrainBwd: () => {
      const r = b.batchNormTraining(x, gamma, beta, { epsilon: 1e-3 });
      b.batchNormBackward(dyFull, { x, gamma, mean: r.mean, invStd: r.invStd });
    },
    sigmoid: () => b.sigmoid(x),
    exp: () => b.exp(x),
    tanh: () => b.tanh(x),
    relu: () => b.relu(x),
    softmax: () => b.softmax(logits),
  };
  for (const [name, fn] of Object.entries(cases)) {
    if (only && !only.split(',').includes(name)) continue;
    console.log(`${threads}t ${name.padEnd(16)} ${stats(fn)}`);
  }
}
