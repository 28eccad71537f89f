// The CNN+BN model's batch-1 inference kernels one by one, through the native backend (run by hand):
//   BATCHWISE_NUM_THREADS=1 node apps/bench/scripts/batch1-kernels.mjs [calls] [rounds]
// Each call in its own tidy (outputs go back to the pool, as in predict); the kernels are
// interleaved round by round; prints the first quartile and median of the rounds, in µs per call,
// on the process's CPU clock (1 thread). ROOT=<another checkout> times that checkout's build (A/B).
// SET=mlp times the MLP's kernels instead (dense 784 -> 100 and 100 -> 100 without bias, batch
// norm and sigmoid on [1,100], the 100 -> 10 softmax head), through core's ops as layers calls them.
import { fileURLToPath } from 'node:url';

const root = process.env.ROOT ?? fileURLToPath(new URL('../../..', import.meta.url));
const { makeTensor, Random, setBackend, getBackend, tidy } = await import(`${root}/packages/core/dist/index.js`);
await import(`${root}/packages/backend-native/dist/index.js`);
setBackend('native');
const be = getBackend();
const rng = new Random(3);
const T = (shape, lo = -1) => makeTensor(Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => rng.uniform(lo, 1)), shape);
const P = (c) => ({ mean: T([c]), variance: T([c], 0.5), gamma: T([c]), beta: T([c]), epsilon: 1e-3 });
const o = { strides: [1, 1], padding: 'same', dilations: [1, 1], pool: { poolSize: [2, 2], strides: [2, 2], padding: 'valid' } };
const x = T([1, 28, 28, 1]), k1 = T([3, 3, 1, 32]), a2 = T([1, 14, 14, 32]), k2 = T([3, 3, 32, 64]);
const f = T([1, 3136]), dk = T([3136, 10]), db = T([10]), l = T([1, 10]);
const p1 = P(32), p2 = P(64);
const { ops } = await import(`${root}/packages/core/dist/index.js`);
const h = T([1, 100]), w1 = T([784, 100]), w2 = T([100, 100]), w3 = T([100, 10]), x784 = T([1, 784]), p100 = P(100);
const mlp = {
  'ops.matMul [1,784] x [784,100]': () => ops.matMul(x784, w1),
  'ops.matMul [1,100] x [100,100]': () => ops.matMul(h, w2),
  'ops.batchNormInference [1,100]': () => ops.batchNormInference(h, p100),
  'ops.sigmoid [1,100]': () => ops.sigmoid(h),
  'ops.matMul [1,100] x [100,10]': () => ops.matMul(h, w3),
  'ops.biasAdd [1,10]': () => ops.biasAdd(l, db),
  'ops.softmax [1,10]': () => ops.softmax(l),
};
const cases = process.env.SET === 'mlp' ? mlp : {
  'conv2dBatchNormRelu [1,28,28,1] -> 32, pool': () => be.conv2dBatchNormRelu(x, k1, p1, o),
  'conv2dBatchNormRelu [1,14,14,32] -> 64, pool': () => be.conv2dBatchNormRelu(a2, k2, p2, o),
  'matMul [1,3136] x [3136,10]': () => be.matMul(f, dk),
  'biasAdd [1,10]': () => be.biasAdd(l, db),
  'softmax [1,10]': () => be.softmax(l),
};
const calls = Number(process.argv[2] ?? 1000), rounds = Number(process.argv[3] ?? 15);
const cpu = () => { const u = process.cpuUsage(); return u.user + u.system; };
const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (let r = 0; r < rounds; r++) {
  for (const [k, fn] of Object.entries(cases)) {
    const t0 = cpu();
    for (let i = 0; i < calls; i++) tidy(() => { fn(); });
    times[k].push((cpu() - t0) / calls);
  }
}
for (const [k, v] of Object.entries(times)) {
  v.sort((a, b) => a - b);
  console.log(`${k.padEnd(46)} p25 ${v[rounds >> 2].toFixed(2)} µs, median ${v[rounds >> 1].toFixed(2)} µs`);
}
