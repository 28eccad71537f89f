#!/usr/bin/env node
// Accuracy of the addon's exp, sigmoid and tanh against float64 Math, over
// every float in a range sampled 1 in `step` (bit patterns), plus the special
// values. Prints the max relative error per function and the level in use.
//   node scripts/check-vec-math.mjs [step]     (BATCHWISE_ISA=avx2 etc. to pick a level)
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const step = Number(process.argv[2] ?? 64);
const addon = createRequire(import.meta.url)(
  process.env.BATCHWISE_NATIVE_ADDON || fileURLToPath(new URL('../build/Release/batchwise_native.node', import.meta.url)),
);

// All floats in [lo, hi] (both signs handled by the caller's range), 1 in step by bit pattern.
function floatsBetween(lo, hi) {
  const f = new Float32Array(1), u = new Uint32Array(f.buffer);
  const out = [];
  for (const [a, b, sign] of [[Math.max(lo, 0), hi, 1], [Math.max(-hi, 0), -lo, -1]]) {
    if (a > b) continue;
    f[0] = a; const ua = u[0];
    f[0] = b; const ub = u[0];
    for (let k = ua; k <= ub; k += step) { u[0] = k; out.push(sign * f[0]); }
  }
  return Float32Array.from(out);
}

const fns = {
  exp: { range: [-87.3, 88.7], ref: Math.exp },
  sigmoid: { range: [-87.3, 88.7], ref: (x) => 1 / (1 + Math.exp(-x)) },
  tanh: { range: [-20, 20], ref: Math.tanh },
};
console.log(`isa ${addon.getIsa()}, 1 in ${step} floats`);
for (const [name, { range, ref }] of Object.entries(fns)) {
  const x = floatsBetween(range[0], range[1]);
  const y = new Float32Array(x.length);
  addon[name](x, y);
  let worst = 0, at = 0;
  for (let i = 0; i < x.length; i++) {
    const e = Math.fround(ref(x[i]));
    if (e === 0 || !Number.isFinite(e)) continue;
    const rel = Math.abs(y[i] - e) / Math.abs(e);
    if (rel > worst) { worst = rel; at = x[i]; }
  }
  const special = Float32Array.from([NaN, Infinity, -Infinity, 0, -0, 89, -104, 88.72, -87.34, -103]);
  const s = new Float32Array(special.length);
  addon[name](special, s);
  console.log(`${name.padEnd(8)} ${x.length} points, max rel error ${worst.toExponential(2)} at x=${at}; ` +
    `specials ${[...special].map((v, i) => `${v}->${s[i]}`).join(' ')}`);
}
