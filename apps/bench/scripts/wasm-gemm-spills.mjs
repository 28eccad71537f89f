// Checks the machine code V8 makes of the wasm GEMM microkernels (run by hand, not part of `pnpm bench`):
//   node apps/bench/scripts/wasm-gemm-spills.mjs [root]
// Runs a matMul, a conv2d and its filter gradient on the single-threaded wasm module of a checkout (default: this one)
// in a child `node --print-wasm-code --no-liftoff`, then prints, for each kernel of KERNELS, its
// hot loop's instruction count and the vector moves to or from the stack frame inside it (spills).
// gemm_wasm.cc's row orders are chosen for zero spills; an engine or compiler upgrade can undo that
// silently, and a spilled accumulator costs a store and a reload on its chain every k step.
// Exits 1 when a loop spills or a kernel is not found.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const KERNELS = (process.env.KERNELS ?? 'Micro<4>,Micro<5>,Indirect').split(',');

const child = `
const backend = await import(${JSON.stringify(`${root}/packages/backend-wasm/dist/index.js`)});
const core = await import(${JSON.stringify(`${root}/packages/core/dist/index.js`)});
const be = backend.createWasmBackend({ sharedMemory: false });
const a = core.randomNormal([256, 256], { seed: 1 }), b = core.randomNormal([256, 256], { seed: 2 });
const x = core.randomNormal([8, 28, 28, 32], { seed: 3 }), w = core.randomNormal([3, 3, 32, 64], { seed: 4 });
const dy = core.randomNormal([8, 28, 28, 64], { seed: 5 });
// Enough calls for TurboFan to take over from Liftoff (--no-liftoff makes it the first tier anyway).
for (let i = 0; i < 3; i++) {
  be.matMul(a, b);
  be.conv2d(x, w, { strides: [1, 1], padding: 'same', dilations: [1, 1] });
  be.conv2dBackpropFilter(x, dy, [3, 3, 32, 64], { strides: [1, 1], padding: 'same', dilations: [1, 1] });
}
`;
const run = spawnSync(process.execPath, ['--print-wasm-code', '--no-liftoff', '--input-type=module', '-e', child], {
  encoding: 'utf8',
  maxBuffer: 1 << 30,
});
if (run.status !== 0) {
  console.error(run.stderr);
  process.exit(1);
}

// One function's listing: from its `name:` line to the next function's.
function listing(name) {
  const lines = run.stdout.split('\n');
  const start = lines.findIndex((l) => l.startsWith('name: ') && (l.includes(`::${name}(`) || l.includes(`::${name}<`)));
  if (start < 0) return undefined;
  let end = lines.findIndex((l, i) => i > start && l.startsWith('name: '));
  if (end < 0) end = lines.length;
  return lines.slice(start, end);
}

// Loops: each V8 wasm loop begins with its interrupt check (`cmpq rsp,[...]`) and ends at the
// first jump (conditional or not) back to that check or before it.
function loops(lines) {
  const found = [];
  let body;
  for (const line of lines) {
    const m = /^0x([0-9a-f]+)\s+\S+\s+\S+\s+(.*)$/.exec(line);
    if (m === null) continue;
    const [addr, text] = [parseInt(m[1], 16), m[2]];
    if (/cmpq rsp,\[/.test(text)) body = { start: addr, text: [] };
    if (body === undefined) continue;
    body.text.push(text);
    const jump = /^j\w+ 0x([0-9a-f]+)/.exec(text);
    if (jump !== null && parseInt(jump[1], 16) <= body.start) {
      found.push(body.text);
      body = undefined;
    }
  }
  return found;
}

let bad = false;
for (const name of KERNELS) {
  const lines = listing(name);
  if (lines === undefined) {
    console.log(`${name}: not found in the module's code`);
    bad = true;
    continue;
  }
  let vectorLoops = 0;
  for (const [i, body] of loops(lines).entries()) {
    const spills = body.filter((t) => /^vmov\w+ .*\[rbp|^vmov\w+ \[rbp/.test(t)).length;
    const arithmetic = body.filter((t) => /^v(mul|add)ps/.test(t)).length;
    console.log(`${name} loop ${i}: ${body.length} instructions, ${arithmetic} vector multiplies and adds, ${spills} spill moves`);
    if (arithmetic > 0) vectorLoops++;
    if (spills > 0 && arithmetic > 0) bad = true;
  }
  // No loop found is no pass: V8's listing format or the loop's shape changed under this script.
  if (vectorLoops === 0) {
    console.log(`${name}: no loop with vector multiplies and adds recognised in its code`);
    bad = true;
  }
}
process.exit(bad ? 1 : 0);
