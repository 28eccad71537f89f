// conv2dBackpropFilter and narrow matMul time of two checkouts in one process (run by hand, not part of `pnpm bench`):
//   BATCHWISE_NUM_THREADS=1 node apps/bench/scripts/filter-grad-ab.mjs <rootA> <rootB> [rounds]
// Loads both checkouts' built native backends and alternates rounds between them, so a noisy
// neighbour hits both alike; prints the median per call (process CPU time) and A/B (> 1: B faster).
// CASES: comma-separated, f:NxHxWxCxO (3x3 'same' filter gradient), m:MxKxN, mta:MxKxN (A stored
// [K,M], transposeA), mtb:MxKxN (B stored [N,K], transposeB).
const [ra, rb] = [process.argv[2], process.argv[3]];
const rounds = Number(process.argv[4] ?? 15);
const sides = [];
for (const root of [ra, rb]) {
  const backend = await import(`${root}/packages/backend-native/dist/index.js`);
  const core = await import(`${root}/packages/core/dist/index.js`);
  sides.push({ be: backend.createNativeBackend(), core });
}
const now = () => { const u = process.cpuUsage(); return u.user + u.system; };
const cases = (process.env.CASES ?? 'f:32x28x28x32x64,f:64x14x14x32x64,f:64x28x28x1x32,m:64x3136x10,mta:3136x64x10,mtb:64x10x3136').split(',');
for (const c of cases) {
  const [kind, dims] = c.split(':');
  const d = dims.split('x').map(Number);
  const ops = sides.map(({ be, core }) => {
    if (kind === 'f') {
      const [n, h, w, ci, co] = d;
      const x = core.randomNormal([n, h, w, ci], { seed: 1 }), dy = core.randomNormal([n, h, w, co], { seed: 2 });
      return () => be.conv2dBackpropFilter(x, dy, [3, 3, ci, co], { strides: [1, 1], padding: 'same', dilations: [1, 1] });
    }
    const [m, k, n] = d;
    if (kind === 'm') { const a = core.randomNormal([m, k], { seed: 1 }), b = core.randomNormal([k, n], { seed: 2 }); return () => be.matMul(a, b); }
    if (kind === 'mta') { const a = core.randomNormal([k, m], { seed: 1 }), b = core.randomNormal([k, n], { seed: 2 }); return () => be.matMul(a, b, { transposeA: true }); }
    if (kind === 'mtb') { const a = core.randomNormal([m, k], { seed: 1 }), b = core.randomNormal([n, k], { seed: 2 }); return () => be.matMul(a, b, { transposeB: true }); }
  });
  const flops = kind === 'f' ? 2 * d[0] * d[1] * d[2] * d[3] * d[4] * 9 : 2 * d[0] * d[1] * d[2];
  const calls = Math.max(3, Math.round(2e8 / flops));
  for (const f of ops) for (let i = 0; i < calls; i++) f();
  const ts = [[], []];
  for (let r = 0; r < rounds; r++) for (let s = 0; s < 2; s++) { const f = ops[s]; const t0 = now(); for (let i = 0; i < calls; i++) f(); ts[s].push((now() - t0) / calls); }
  const med = (x) => x.sort((p, q) => p - q)[x.length >> 1];
  const [A, B] = ts.map(med);
  console.log(`${c.padEnd(22)} A ${A.toFixed(1).padStart(8)} us (${(flops / A / 1e3).toFixed(0)} GF/s)  B ${B.toFixed(1).padStart(8)} us (${(flops / B / 1e3).toFixed(0)} GF/s)  A/B ${(A / B).toFixed(3)}`);
}
