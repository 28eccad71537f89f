// matMul time of two checkouts in one process (run by hand, not part of `pnpm bench`):
//   BATCHWISE_NUM_THREADS=1 node apps/bench/scripts/matmul-ab.mjs <rootA> <rootB> [calls] [rounds]
// Loads both checkouts' built native backends (BACKEND=wasm: their single-threaded wasm
// modules) and alternates rounds between them, so a noisy neighbour hits both alike; prints
// the median µs per call (process CPU time) for each SHAPES entry (MxKxN, comma-separated).
const [ra, rb] = [process.argv[2], process.argv[3]];
const wasm = process.env.BACKEND === 'wasm';
const calls = Number(process.argv[4] ?? 500), rounds = Number(process.argv[5] ?? 21);
const sides = [];
for (const root of [ra, rb]) {
  const backend = await import(`${root}/packages/backend-${wasm ? 'wasm' : 'native'}/dist/index.js`);
  const { randomNormal } = await import(`${root}/packages/core/dist/index.js`);
  sides.push({ be: wasm ? backend.createWasmBackend({ sharedMemory: false }) : backend.createNativeBackend(), randomNormal });
}
const shapes = (process.env.SHAPES ?? '1x784x100,1x3136x10,1x3136x128,1x100x100,1x128x10,4x784x100,4x3136x128').split(',').map(s => s.split('x').map(Number));
const now = () => { const u = process.cpuUsage(); return u.user + u.system; };
for (const [m, k, n] of shapes) {
  const ops = sides.map(({ be, randomNormal }) => { const a = randomNormal([m, k], { seed: 1 }), b = randomNormal([k, n], { seed: 2 }); return () => be.matMul(a, b); });
  for (const f of ops) for (let i = 0; i < 200; i++) f();
  const ts = [[], []];
  for (let r = 0; r < rounds; r++) for (let s = 0; s < 2; s++) { const f = ops[s]; const t0 = now(); for (let i = 0; i < calls; i++) f(); ts[s].push((now() - t0) / calls); }
  const med = (x) => x.sort((p, q) => p - q)[x.length >> 1];
  const [A, B] = ts.map(med);
  console.log(`${m}x${k}x${n}: A ${A.toFixed(2)} us, B ${B.toFixed(2)} us, A/B ${(A / B).toFixed(2)}`);
}
