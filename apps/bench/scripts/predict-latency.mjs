// Batch-1 predict latency of the bench's three models (run by hand, not part of `pnpm bench`):
//   BATCHWISE_NUM_THREADS=1 node apps/bench/scripts/predict-latency.mjs [calls] [rounds]
// Prints the median time of one model.predict(x) call per model. Rounds of the three
// models are interleaved so that a noisy neighbour hits all three alike.
// ROOT=<another checkout> times that checkout's built packages instead (A/B runs);
// TRAINED=1 gives every batch norm moving statistics of its own (as after training)
// instead of the initializers' (as in `bench models`). CLOCK=cpu times with the process's
// CPU time, steadier than the wall clock on a shared machine (1 thread only). ONLY=mlp,cnn
// times those models alone.
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = process.env.ROOT ?? fileURLToPath(new URL('../../..', import.meta.url));
const { dispose, makeTensor, Random, setBackend } = await import(`${root}/packages/core/dist/index.js`);
await import(`${root}/packages/backend-native/dist/index.js`);
const { layers: l, sequential } = await import(`${root}/packages/layers/dist/index.js`);

const now = process.env.CLOCK === 'cpu' ? () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; } : () => performance.now();
const calls = Number(process.argv[2] ?? 200);
const rounds = Number(process.argv[3] ?? 15);
setBackend(process.env.BACKEND ?? 'native');

const conv = (filters, extra = {}) => l.conv2d({ filters, kernelSize: 3, padding: 'same', useBias: false, ...extra });
const models = {
  cnn: () => [[28, 28, 1], [
    conv(32, { inputShape: [28, 28, 1] }), l.batchNormalization(), l.activation({ activation: 'relu' }), l.maxPooling2d({ poolSize: 2 }),
    conv(64), l.batchNormalization(), l.activation({ activation: 'relu' }), l.maxPooling2d({ poolSize: 2 }),
    l.flatten(), l.dense({ units: 10, activation: 'softmax' }),
  ]],
  mlp: () => {
    const hidden = (first) => [l.dense({ units: 100, useBias: false, ...(first ? { inputShape: [784] } : {}) }), l.batchNormalization(), l.activation({ activation: 'sigmoid' })];
    return [[784], [...hidden(true), ...hidden(false), ...hidden(false), l.dense({ units: 10, activation: 'softmax' })]];
  },
  'cnn-bn': () => [[28, 28, 1], [
    l.inputLayer({ shape: [28, 28, 1] }),
    conv(16, { kernelInitializer: 'heNormal' }), l.batchNormalization(), l.activation({ activation: 'relu' }), l.maxPooling2d({ poolSize: 2 }),
    conv(32, { kernelInitializer: 'heNormal' }), l.batchNormalization(), l.activation({ activation: 'relu' }), l.maxPooling2d({ poolSize: 2 }),
    l.flatten(), l.dense({ units: 128, useBias: false }), l.batchNormalization(), l.activation({ activation: 'relu' }),
    l.dropout({ rate: 0.3 }), l.dense({ units: 10, activation: 'softmax' }),
  ]],
};

const rng = new Random(3);
const only = process.env.ONLY?.split(',');
const cases = Object.entries(models).filter(([name]) => !only || only.includes(name)).map(([name, build]) => {
  const [shape, stack] = build();
  const model = sequential({ layers: stack });
  if (process.env.TRAINED === '1') {
    // Moving statistics away from their initializers, as training leaves them.
    model.setWeights(model.weights.map((w) => makeTensor(Float32Array.from({ length: w.value.size }, () => (w.name === 'moving_variance' ? rng.uniform(0.5, 2) : w.value.data[0] + rng.uniform(-0.1, 0.1))), [...w.shape])));
  }
  const x = makeTensor(Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => rng.uniform(0, 1)), [1, ...shape]);
  return { name, model, x, times: [] };
});
for (const c of cases) for (let i = 0; i < 50; i++) dispose(c.model.predict(c.x));
for (let r = 0; r < rounds; r++) {
  for (const c of cases) {
    const t0 = now();
    for (let i = 0; i < calls; i++) dispose(c.model.predict(c.x));
    c.times.push((now() - t0) / calls);
  }
}
for (const c of cases) {
  c.times.sort((a, b) => a - b);
  console.log(`${c.name.padEnd(7)} predict batch 1: median ${c.times[Math.floor(c.times.length / 2)].toFixed(4)} ms, min ${c.times[0].toFixed(4)} ms`);
}
