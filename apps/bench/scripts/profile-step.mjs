// Where a model's step spends its time, kernel by kernel (run by hand, not part of `pnpm bench`):
//   node apps/bench/scripts/profile-step.mjs [cnn|cnn-bn|mlp] [train|predict] [batch] [steps]
// Every kernel of the active backend is wrapped with a timer; the step time minus
// the kernels' sum is what layers spends in JavaScript. Also prints the FLOPs of
// the model's convolutions and matrix products (forward, backward) per image.
import { getBackend, makeTensor, Random, setBackend } from '@batchwise/core';
import '@batchwise/backend-native';
if (process.env.BACKEND === 'wasm') await import('@batchwise/backend-wasm');
import { layers, sequential, train } from '@batchwise/layers';
import { performance } from 'node:perf_hooks';

const [kind = 'cnn', mode = 'train', batchArg, stepsArg] = process.argv.slice(2);
const batch = Number(batchArg ?? (kind === 'mlp' ? 60 : mode === 'predict' ? 256 : 64));
const steps = Number(stepsArg ?? 40);
// CLOCK=cpu times with the process's CPU time instead of the wall clock: on a
// machine shared with other jobs, a 1-thread run's CPU time is far steadier.
const now = process.env.CLOCK === 'cpu' ? () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; } : () => performance.now();
setBackend(process.env.BACKEND ?? 'native');

function build() {
  const l = layers;
  if (kind === 'cnn') {
    return [[28, 28, 1], [
      l.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, padding: 'same', useBias: false }),
      l.batchNormalization(), l.activation({ activation: 'relu' }), l.maxPooling2d({ poolSize: 2 }),
      l.conv2d({ filters: 64, kernelSize: 3, padding: 'same', useBias: false }),
      l.batchNormalization(), l.activation({ activation: 'relu' }), l.maxPooling2d({ poolSize: 2 }),
      l.flatten(), l.dense({ units: 10, activation: 'softmax' }),
    ], 'sgd'];
  }
  if (kind === 'cnn-bn') {
    const conv = (filters) => l.conv2d({ filters, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: 'heNormal' });
    return [[28, 28, 1], [
      l.inputLayer({ shape: [28, 28, 1] }),
      conv(16), l.batchNormalization(), l.activation({ activation: 'relu' }), l.maxPooling2d({ poolSize: 2 }),
      conv(32), l.batchNormalization(), l.activation({ activation: 'relu' }), l.maxPooling2d({ poolSize: 2 }),
      l.flatten(), l.dense({ units: 128, useBias: false }), l.batchNormalization(), l.activation({ activation: 'relu' }),
      l.dropout({ rate: 0.3 }), l.dense({ units: 10, activation: 'softmax' }),
    ], train.adam(3e-3)];
  }
  const hidden = (first) => [
    l.dense({ units: 100, useBias: false, ...(first ? { inputShape: [784] } : {}) }),
    l.batchNormalization(), l.activation({ activation: 'sigmoid' }),
  ];
  return [[784], [...hidden(true), ...hidden(false), ...hidden(false), l.dense({ units: 10, activation: 'softmax' })], 'sgd'];
}

const [inShape, stack, optimizer] = build();
const model = sequential({ layers: stack });
model.compile({ optimizer, loss: 'categoricalCrossentropy' });
const rng = new Random(3);
const x = makeTensor(Float32Array.from({ length: batch * inShape.reduce((a, b) => a * b) }, () => rng.uniform(0, 1)), [batch, ...inShape]);
const y = new Float32Array(batch * 10);
for (let i = 0; i < batch; i++) y[i * 10 + rng.int(10)] = 1;
const labels = makeTensor(y, [batch, 10]);

// Per kernel (and input shape): calls, total ms, FLOPs.
const stats = new Map();
const backend = getBackend();
const convFlops = (outShape, filterShape) => 2 * outShape.reduce((a, b) => a * b) * filterShape[0] * filterShape[1] * filterShape[2];
for (const name of Object.keys(backend)) {
  const fn = backend[name];
  if (typeof fn !== 'function' || name === 'info') continue;
  backend[name] = (...args) => {
    const t0 = now();
    const r = fn.apply(backend, args);
    const dt = now() - t0;
    const shape = args[0]?.shape ? `[${args[0].shape}]` : '';
    let flops = 0;
    if (name === 'conv2d') flops = convFlops(r.shape, args[1].shape);
    if (name === 'conv2dBatchNormRelu') {
      const [n, h, w] = args[0].shape;
      const [kh, kw, ci, co] = args[1].shape;
      const same = args[3].padding === 'same';
      const oh = same ? Math.ceil(h / args[3].strides[0]) : Math.floor((h - (kh - 1) * args[3].dilations[0] - 1) / args[3].strides[0]) + 1;
      const ow = same ? Math.ceil(w / args[3].strides[1]) : Math.floor((w - (kw - 1) * args[3].dilations[1] - 1) / args[3].strides[1]) + 1;
      flops = 2 * n * oh * ow * co * kh * kw * ci;
    }
    if (name === 'conv2dBackpropInput') flops = convFlops(args[0].shape, args[1].shape);
    if (name === 'conv2dBackpropFilter') flops = convFlops(args[1].shape, args[2]);
    if (name === 'matMul') flops = 2 * r.size * args[0].shape[args[2]?.transposeA ? 0 : 1];
    const key = `${name} ${shape}`;
    const s = stats.get(key) ?? { calls: 0, ms: 0, flops: 0 };
    s.calls++;
    s.ms += dt;
    s.flops += flops;
    stats.set(key, s);
    return r;
  };
}

const run = mode === 'train' ? () => model.trainOnBatch(x, labels) : () => model.predict(x, { batchSize: batch });
for (let i = 0; i < 5; i++) await run();
stats.clear();
const times = [];
for (let i = 0; i < steps; i++) {
  const t0 = now();
  await run();
  times.push(now() - t0);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
let kernelMs = 0;
let flops = 0;
const rows = [...stats.entries()].sort((a, b) => b[1].ms - a[1].ms);
console.log(`${kind} ${mode} batch ${batch}, ${backend.info().simd}, ${backend.info().threads} threads: median step ${median.toFixed(3)} ms (${(batch / median * 1000).toFixed(0)} images/s), min ${times[0].toFixed(3)}`);
for (const [key, s] of rows) {
  kernelMs += s.ms;
  flops += s.flops;
  const gf = s.flops ? ` ${(s.flops / (s.ms * 1e6)).toFixed(0)} GFLOP/s` : '';
  console.log(`${(s.ms / steps).toFixed(3).padStart(8)} ms  ${String(s.calls / steps).padStart(3)}x  ${key}${gf}`);
}
const mean = times.reduce((a, b) => a + b, 0) / steps;
console.log(`kernels ${(kernelMs / steps).toFixed(3)} ms of a mean step ${mean.toFixed(3)} ms; outside kernels ${(mean - kernelMs / steps).toFixed(3)} ms`);
console.log(`FLOPs per image (conv + matMul): ${(flops / steps / batch / 1e6).toFixed(2)} M; achieved over the median step ${(flops / steps / (median * 1e6)).toFixed(0)} GFLOP/s`);
