// A/B of two native builds (or switches) on forward convolutions, interleaved (run by hand):
//   node apps/bench/scripts/conv-forward-ab.mjs '<env A as JSON>' '<env B as JSON>' '<cases>' [rounds]
// e.g. '{"BATCHWISE_NATIVE_ADDON":"/tmp/main.node"}' '{}' or '{"BATCHWISE_CONV_WINOGRAD":"0"}' '{}'.
// Each round runs conv-forward-time.mjs (cases as it takes them) once with A's environment and
// once with B's, one thread; prints each case's median over the rounds and A/B (> 1: B faster).
import { execFileSync } from 'node:child_process';

const [envA, envB] = [JSON.parse(process.argv[2]), JSON.parse(process.argv[3])];
const cases = process.argv[4];
const rounds = Number(process.argv[5] ?? 5);
const script = new URL('./conv-forward-time.mjs', import.meta.url).pathname;
const res = { A: {}, B: {} };
for (let r = 0; r < rounds; r++) {
  for (const [k, env] of [['A', envA], ['B', envB]]) {
    const o = JSON.parse(execFileSync(process.execPath, [script, cases], { env: { ...process.env, BATCHWISE_NUM_THREADS: '1', ...env } }).toString());
    for (const [n, v] of Object.entries(o)) (res[k][n] ??= []).push(v);
  }
}
const med = (a) => a.sort((x, y) => x - y)[a.length >> 1];
for (const n of Object.keys(res.A)) {
  console.log(n.padEnd(28), 'A', med(res.A[n]).toFixed(1).padStart(9), 'µs  B', med(res.B[n]).toFixed(1).padStart(9), 'µs  A/B', (med(res.A[n]) / med(res.B[n])).toFixed(3));
}
