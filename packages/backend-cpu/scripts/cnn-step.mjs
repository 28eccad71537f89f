// Kernel time of one training step of a small CNN with batch norm, batch 64, straight on the
// cpu kernels (no layers, no validation): conv 1->32, BN, relu, 2x2 pool, conv 32->64, BN, relu,
// 2x2 pool, dense 3136->128, relu, dense 128->10, softmax cross-entropy, and the backward pass.
// Not a test and not the project benchmark (apps/bench). Run after `npx tsc -b`: node scripts/cnn-step.mjs
import { randomUniform } from '@batchwise/core';
import * as k from '../dist/kernels/index.js';
const B = 64;
const same = { strides: [1, 1], padding: 'same', dilations: [1, 1] };
const pool = { poolSize: [2, 2], strides: [2, 2], padding: 'valid' };
const x = randomUniform([B, 28, 28, 1], { seed: 1 });
const w1 = randomUniform([3, 3, 1, 32], { seed: 2, minval: -0.3, maxval: 0.3 });
const w2 = randomUniform([3, 3, 32, 64], { seed: 3, minval: -0.1, maxval: 0.1 });
const g1 = randomUniform([32], { seed: 4 }), b1 = randomUniform([32], { seed: 5 });
const g2 = randomUniform([64], { seed: 6 }), b2 = randomUniform([64], { seed: 7 });
const d1 = randomUniform([3136, 128], { seed: 8, minval: -0.02, maxval: 0.02 }), db1 = randomUniform([128], { seed: 9 });
const d2 = randomUniform([128, 10], { seed: 10, minval: -0.1, maxval: 0.1 }), db2 = randomUniform([10], { seed: 11 });
const labels = randomUniform([B, 10], { seed: 12 });
const times = {};
const T = (name, f) => { const t = performance.now(); const r = f(); times[name] = (times[name] ?? 0) + performance.now() - t; return r; };
function step() {
  const c1 = T('conv1', () => k.conv2d(x, w1, same));
  const n1 = T('bn1', () => k.batchNormTraining(c1, g1, b1, { epsilon: 1e-3 }));
  const r1 = T('relu', () => k.relu(n1.y));
  const p1 = T('pool', () => k.maxPool(r1, pool));
  const c2 = T('conv2', () => k.conv2d(p1.y, w2, same));
  const n2 = T('bn2', () => k.batchNormTraining(c2, g2, b2, { epsilon: 1e-3 }));
  const r2 = T('relu', () => k.relu(n2.y));
  const p2 = T('pool', () => k.maxPool(r2, pool));
  const f = p2.y.reshape([B, 3136]);
  const h = T('dense', () => k.biasAdd(k.matMul(f, d1), db1));
  const hr = T('relu', () => k.relu(h));
  const o = T('dense', () => k.biasAdd(k.matMul(hr, d2), db2));
  const l = T('loss', () => k.softmaxCrossEntropy(o, labels));
  // backward
  const dO = l.dlogits;
  T('dense bwd', () => { k.matMul(hr, dO, { transposeA: true }); k.biasGrad(dO); });
  const dhr = T('dense bwd', () => k.matMul(dO, d2, { transposeB: true }));
  const dh = T('relu', () => k.reluBackward(dhr, hr));
  T('dense bwd', () => { k.matMul(f, dh, { transposeA: true }); k.biasGrad(dh); });
  const df = T('dense bwd', () => k.matMul(dh, d1, { transposeB: true })).reshape(p2.y.shape);
  const dr2 = T('pool', () => k.maxPoolBackward(df, p2.argmax, r2.shape));
  const dn2 = T('relu', () => k.reluBackward(dr2, r2));
  const gb2 = T('bn2', () => k.batchNormBackward(dn2, { x: c2, gamma: g2, mean: n2.mean, invStd: n2.invStd }));
  T('conv2 bwd filter', () => k.conv2dBackpropFilter(p1.y, gb2.dx, w2.shape, same));
  const dp1 = T('conv2 bwd input', () => k.conv2dBackpropInput(gb2.dx, w2, p1.y.shape, same));
  const dr1 = T('pool', () => k.maxPoolBackward(dp1, p1.argmax, r1.shape));
  const dn1 = T('relu', () => k.reluBackward(dr1, r1));
  const gb1 = T('bn1', () => k.batchNormBackward(dn1, { x: c1, gamma: g1, mean: n1.mean, invStd: n1.invStd }));
  T('conv1 bwd filter', () => k.conv2dBackpropFilter(x, gb1.dx, w1.shape, same));
}
for (let i = 0; i < 3; i++) step();
for (const key of Object.keys(times)) times[key] = 0;
const N = 5; const t0 = performance.now(); for (let i = 0; i < N; i++) step(); const total = (performance.now() - t0) / N;
console.log('step ms', total.toFixed(1), 'images/s', (B / total * 1000).toFixed(0));
for (const [key, v] of Object.entries(times).sort((a, b) => b[1] - a[1])) console.log(key.padEnd(18), (v / N).toFixed(2));
