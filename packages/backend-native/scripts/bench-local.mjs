#!/usr/bin/env node
// Quick local timings of the native kernels (median of N runs after warm-up),
// for the README. The formal, interleaved comparison lives in apps/bench.
//   node scripts/bench-local.mjs [runs]
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const runs = Number(process.argv[2] ?? 9);
const addon = createRequire(import.meta.url)(
  process.env.BATCHWISE_NATIVE_ADDON || fileURLToPath(new URL('../build/Release/batchwise_native.node', import.meta.url)),
);

function filled(n, seed) {
  const a = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 31 - 1;
  }
  return a;
}

// The machine is shared: besides wall time, report CPU time (user+system of
// the whole process), which excludes the time other processes held our core.
// With 1 thread it measures what the kernel does while it runs.
const cpuTimes = [];
function median(fn) {
  for (let i = 0; i < 2; i++) fn();
  const times = [];
  const cpu = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    const c1 = process.cpuUsage(c0);
    cpu.push((c1.user + c1.system) / 1e3);
  }
  const mid = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  cpuTimes.push(mid(cpu));
  return mid(times);
}
const lastCpu = () => cpuTimes.at(-1);

const a = filled(1024 * 1024, 1), b = filled(1024 * 1024, 2), c = new Float32Array(1024 * 1024);
// conv 3x3 same: x [32,28,28,32], filter [3,3,32,64] -> [32,28,28,64]
const xs = [32, 28, 28, 32], fs = [3, 3, 32, 64], ys = [32, 28, 28, 64];
const geom = [32, 28, 28, 32, 28, 28, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1];
const x = filled(32 * 28 * 28 * 32, 3), f = filled(3 * 3 * 32 * 64, 4), dy = filled(32 * 28 * 28 * 64, 5);
const y = new Float32Array(dy.length), dx = new Float32Array(x.length), df = new Float32Array(f.length);
const convFlops = 2 * 32 * 28 * 28 * 64 * 3 * 3 * 32;
const bnShape = [64, 28, 28, 32], bnN = 64 * 28 * 28 * 32;
const bx = filled(bnN, 6), bdy = filled(bnN, 7), by = new Float32Array(bnN), g = filled(32, 8), be = filled(32, 9);
const mean = new Float32Array(32), v = new Float32Array(32).fill(1), inv = new Float32Array(32);

console.log(`isa ${addon.getIsa()} (${addon.getGemmKernel()}), median of ${runs}`);
for (const threads of [1, 2]) {
  addon.setNumThreads(threads);
  const mm = median(() => addon.matMul(a, [1024, 1024], b, [1024, 1024], false, false, c));
  const mmCpu = lastCpu();
  const fwd = median(() => addon.conv2d(x, xs, f, fs, [1, 1], 'same', [1, 1], geom, y));
  const fwdCpu = lastCpu();
  const bi = median(() => addon.conv2dBackpropInput(dy, ys, f, fs, xs, [1, 1], 'same', [1, 1], geom, dx));
  const biCpu = lastCpu();
  const bf = median(() => addon.conv2dBackpropFilter(x, xs, dy, ys, fs, [1, 1], 'same', [1, 1], geom, df));
  const bfCpu = lastCpu();
  const bnt = median(() => addon.batchNormTraining(bx, bnShape, g, be, 1e-3, by, mean, v, inv));
  const bnb = median(() => addon.batchNormBackward(bdy, bnShape, bx, g, mean, inv, by, new Float32Array(32), new Float32Array(32)));
  const bni = median(() => addon.batchNormInference(bx, bnShape, mean, v, g, be, 1e-3, by));
  const gf = (flops, ms) => (flops / ms / 1e6).toFixed(1);
  console.log(`threads ${threads}:`);
  console.log(`  matMul 1024^3            ${mm.toFixed(2)} ms  ${gf(2 * 1024 ** 3, mm)} GFLOP/s (per busy core: ${gf(2 * 1024 ** 3, mmCpu)})`);
  console.log(`  conv2d 3x3 32x28x28x32->64  fwd ${fwd.toFixed(2)} ms ${gf(convFlops, fwd)} GFLOP/s (per busy core: ${gf(convFlops, fwdCpu)}) | dx ${bi.toFixed(2)} ms ${gf(convFlops, bi)} (${gf(convFlops, biCpu)}) | dfilter ${bf.toFixed(2)} ms ${gf(convFlops, bf)} (${gf(convFlops, bfCpu)})`);
  console.log(`  batchNorm [64,28,28,32]  training ${bnt.toFixed(2)} ms | backward ${bnb.toFixed(2)} ms | inference ${bni.toFixed(2)} ms`);
}
