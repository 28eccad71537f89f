// Quick throughput check of the cpu kernels (not a test, not the project benchmark:
// apps/bench owns comparisons). Run after `npx tsc -b`: node scripts/measure.mjs
import { randomUniform } from '@batchwise/core';
import { conv2d, conv2dBackpropFilter, conv2dBackpropInput, matMul, batchNormTraining, batchNormBackward, batchNormInference } from '../dist/kernels/index.js';

/** Median milliseconds of `runs` calls after `warmup` calls. */
function time(fn, runs = 7, warmup = 3) {
  for (let i = 0; i < warmup; i++) fn(); // lets V8 optimize before timing
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return ms[Math.floor(runs / 2)];
}

function report(label, flops, ms) {
  const gflops = flops === 0 ? '' : `  ${(flops / ms / 1e6).toFixed(2)} GFLOP/s`;
  console.log(`${label.padEnd(44)} ${ms.toFixed(2).padStart(9)} ms${gflops}`);
}

for (const n of [256, 512, 1024]) {
  const a = randomUniform([n, n], { minval: -1, maxval: 1, seed: 1 });
  const b = randomUniform([n, n], { minval: -1, maxval: 1, seed: 2 });
  const runs = n === 1024 ? 5 : 7;
  report(`matMul ${n}^3`, 2 * n * n * n, time(() => matMul(a, b), runs));
  if (n < 1024) report(`matMul ${n}^3 transposeA+B`, 2 * n * n * n, time(() => matMul(a, b, { transposeA: true, transposeB: true })));
}

const opts = { strides: [1, 1], padding: 'same', dilations: [1, 1] };
const x = randomUniform([32, 28, 28, 32], { minval: -1, maxval: 1, seed: 3 });
const w = randomUniform([3, 3, 32, 64], { minval: -1, maxval: 1, seed: 4 });
const dy = randomUniform([32, 28, 28, 64], { minval: -1, maxval: 1, seed: 5 });
// Direct-convolution FLOPs: Winograd does fewer, so its figure is an effective rate.
const convFlops = 2 * 32 * 28 * 28 * 64 * 3 * 3 * 32;
report('conv2d 32x28x28x32 -> 64, 3x3 same (Winograd)', convFlops, time(() => conv2d(x, w, opts), 5, 1));
report('conv2dBackpropInput (same shapes)', convFlops, time(() => conv2dBackpropInput(dy, w, x.shape, opts), 5, 1));
report('conv2dBackpropFilter (same shapes)', convFlops, time(() => conv2dBackpropFilter(x, dy, w.shape, opts), 5, 1));

// A first layer: one input channel takes the im2col path (Winograd needs >= 8 channels).
const x1 = randomUniform([64, 28, 28, 1], { minval: -1, maxval: 1, seed: 9 });
const w1 = randomUniform([3, 3, 1, 32], { minval: -1, maxval: 1, seed: 10 });
report('conv2d 64x28x28x1 -> 32, 3x3 same (im2col)', 2 * 64 * 28 * 28 * 32 * 9, time(() => conv2d(x1, w1, opts)));
const a60 = randomUniform([60, 784], { minval: -1, maxval: 1, seed: 11 });
const b60 = randomUniform([784, 100], { minval: -1, maxval: 1, seed: 12 });
report('matMul 60x784 . 784x100 (a dense layer)', 2 * 60 * 784 * 100, time(() => matMul(a60, b60), 21));

const bx = randomUniform([64, 28, 28, 32], { minval: -1, maxval: 1, seed: 6 });
const gamma = randomUniform([32], { minval: 0.5, maxval: 1.5, seed: 7 });
const beta = randomUniform([32], { minval: -1, maxval: 1, seed: 8 });
const fwd = batchNormTraining(bx, gamma, beta, { epsilon: 1e-3 });
report('batchNormTraining [64,28,28,32]', 0, time(() => batchNormTraining(bx, gamma, beta, { epsilon: 1e-3 })));
report('batchNormBackward [64,28,28,32]', 0, time(() => batchNormBackward(bx, { x: bx, gamma, mean: fwd.mean, invStd: fwd.invStd })));
report('batchNormInference [64,28,28,32]', 0, time(() => batchNormInference(bx, { mean: fwd.mean, variance: fwd.variance, gamma, beta, epsilon: 1e-3 })));
