// Thread CPU time of native forward convolutions, one process (run by hand; see conv-forward-ab.mjs):
//   node apps/bench/scripts/conv-forward-time.mjs '[[name, batch, h, w, inC, outC, mode, reps], ...]'
// mode: 'pool' (conv2dBatchNormRelu + 2x2 max pool), 'train' (conv2dBatchNormReluTraining + 2x2
// pool) or 'conv' (conv2d); 3x3 'same' filters. Prints {name: median µs per call} as JSON.
import { makeTensor, Random } from '@batchwise/core';
import { createNativeBackend } from '@batchwise/backend-native';

const nb = createNativeBackend();
const rng = new Random(1);
const rand = (shape) => makeTensor(Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => rng.normal()), shape);
const cpu = () => { const u = process.cpuUsage(); return u.user + u.system; };
const pool = { poolSize: [2, 2], strides: [2, 2], padding: 'valid' };
const out = {};
for (const [name, n, h, w, c, o, mode, reps] of JSON.parse(process.argv[2])) {
  const x = rand([n, h, w, c]), f = rand([3, 3, c, o]);
  const bn = { mean: rand([o]), variance: makeTensor(new Float32Array(o).fill(1), [o]), gamma: rand([o]), beta: rand([o]), epsilon: 1e-3 };
  const conv = { strides: [1, 1], padding: 'same', dilations: [1, 1] };
  const run = mode === 'train' ? () => nb.conv2dBatchNormReluTraining(x, f, bn.gamma, bn.beta, { ...conv, epsilon: 1e-3, pool })
    : mode === 'conv' ? () => nb.conv2d(x, f, conv) : () => nb.conv2dBatchNormRelu(x, f, bn, { ...conv, pool });
  for (let i = 0; i < 3; i++) run();
  const t = [];
  for (let i = 0; i < reps; i++) { const a = cpu(); for (let j = 0; j < 5; j++) run(); t.push((cpu() - a) / 5); }
  t.sort((a, b) => a - b);
  out[name] = t[t.length >> 1];
}
console.log(JSON.stringify(out));
