#!/usr/bin/env node
// Compiles the kernels of @batchwise/backend-native (shared, not copied) plus
// this package's entry points and runtime (csrc/) to wasm32 with 128-bit SIMD,
// and links two modules from the same objects:
//   build/wasm/batchwise-threads.wasm  shared memory, workers (atomics)
//   build/wasm/batchwise.wasm          unshared memory, one thread
// plus build/wasm/manifest.json (toolchain, memory limits) read at load.
//
// Toolchain: Debian's clang + lld + wasi-libc + wasm32 libc++ (no emsdk, no
// download). Without it the build never fails the workspace: the one-line
// reason goes to build/BUILD_FAILED.txt (read by src/runtime/module.ts and
// shown by listBackends()) and the script exits 0, as backend-native does.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const nativeSrc = join(root, '..', 'backend-native', 'src');
const csrc = join(root, 'csrc');
const out = join(root, 'build', 'wasm');
const objRoot = join(root, 'build', 'obj');
const failedFile = join(root, 'build', 'BUILD_FAILED.txt');

/** Apt packages that provide the toolchain (Debian 12; any clang >= 16 with its matching libc++ works). */
export const APT_PACKAGES = 'clang-19 lld-19 wasi-libc libc++-19-dev-wasm32 libc++abi-19-dev-wasm32 libclang-rt-19-dev-wasm32';

// Sources are listed one by one (no glob), like backend-native's CMakeLists.txt.
// From backend-native: every kernel body, its scalar parts and the *_wasm.cc
// ISA files (the wasm counterparts of *_avx2.cc), plus the portable scratch
// buffers and parallel loops. Not its CPU detection, kernel table or thread
// pool: csrc/runtime has the wasm ones.
const KERNEL_SOURCES = [
  'kernels/gemm.cc',
  'kernels/pack.cc',
  'kernels/gemm_wasm.cc',
  'kernels/conv2d.cc',
  'kernels/conv2d-indirect.cc',
  'kernels/conv2d-winograd.cc',
  'kernels/winograd-filter-cache.cc',
  'kernels/winograd-transforms_wasm.cc',
  'kernels/conv2d-patches.cc',
  'kernels/conv2d-direct.cc',
  'kernels/conv2d-micro_wasm.cc',
  'kernels/batch-norm.cc',
  'kernels/batch-norm-rows_wasm.cc',
  'kernels/bn-relu-rows_wasm.cc',
  'kernels/fused-bn-relu.cc',
  'kernels/fused-conv-bn-relu.cc',
  'kernels/fused-conv-bn-relu-filter.cc',
  'kernels/max-pool.cc',
  'kernels/max-pool_wasm.cc',
  'kernels/elementwise.cc',
  'kernels/reduce.cc',
  'kernels/softmax.cc',
  'kernels/vec-math_wasm.cc',
  'kernels/transpose.cc',
  'kernels/training.cc',
  'kernels/optimizer-rows_wasm.cc',
  'kernels/axpby.cc',
  'kernels/broadcast.cc',
  'kernels/compare.cc',
  'kernels/data-movement.cc',
  'runtime/scratch.cc',
  'validation/checks.cc',
  'runtime/parallel.cc',
].map((f) => join(nativeSrc, f));
const OWN_SOURCES = [
  'kernels/max-pool-values.cc',
  'runtime/wasm-pool.cc',
  'runtime/heap.cc',
  'runtime/string.cc',
  'runtime/kernel-table.cc',
  'entry/error.cc',
  'entry/args.cc',
  'entry/window.cc',
  'entry/runtime-exports.cc',
  'entry/bind-linear.cc',
  'entry/bind-conv.cc',
  'entry/bind-norm-pool.cc',
  'entry/bind-elementwise.cc',
  'entry/bind-reduce.cc',
  'entry/bind-training.cc',
  'entry/bind-tensor-ops.cc',
  'entry/bind-fused.cc',
].map((f) => join(csrc, f));

// Linear memory: 16 MiB to start (static data, the 1 MiB main stack, the first
// tensors), growing to the wasm32 limit of 4 GiB.
const PAGE = 65536;
const INITIAL_PAGES = 256;
const MAX_PAGES = 65536;
const STACK_BYTES = 1 << 20;

// No -ffast-math: sums must not be reassociated behind our back (as native).
const COMPILE_FLAGS = [
  '--target=wasm32-wasi', '--sysroot=/usr', '-std=c++17', '-O3', '-msimd128', '-mbulk-memory', '-fno-exceptions', '-fno-rtti',
  '-ffp-contract=off', '-fvisibility=hidden', '-Wall', '-Wextra', `-I${csrc}`, `-I${nativeSrc}`,
];
// Each module gets its own objects: with atomics, thread_local is real
// thread-local storage, which wasm-ld 19 places wrongly (offset twice) in a
// module without shared memory; without atomics it is an ordinary global.
const VARIANTS = {
  threads: { file: 'batchwise-threads.wasm', compile: ['-matomics'] },
  single: { file: 'batchwise.wasm', compile: [] },
};
const WRAPPED = ['malloc', 'free', 'calloc', 'realloc', 'posix_memalign', 'aligned_alloc'];
const LINK_FLAGS = [
  '--target=wasm32-wasi', '--sysroot=/usr', '-nostartfiles', '-Wl,--no-entry', '-Wl,--import-memory',
  `-Wl,-z,stack-size=${STACK_BYTES}`, `-Wl,--initial-memory=${INITIAL_PAGES * PAGE}`, `-Wl,--max-memory=${MAX_PAGES * PAGE}`,
  '-Wl,--export=__wasm_call_ctors', '-Wl,--export=__stack_pointer', '-Wl,--strip-debug',
  ...WRAPPED.map((s) => `-Wl,--wrap=${s}`),
];
// wasi-libc's objects were built without atomics and say so; every call into
// their allocator is serialised by csrc/runtime/heap.cc, and nothing else of
// libc keeps state the kernels touch.
const THREADED_LINK_FLAGS = [
  '-Wl,--shared-memory', '-Wl,--no-check-features',
  '-Wl,--export=__wasm_init_tls', '-Wl,--export=__tls_size', '-Wl,--export=__tls_align',
];

function fail(reason) {
  mkdirSync(dirname(failedFile), { recursive: true });
  for (const f of ['batchwise.wasm', 'batchwise-threads.wasm', 'manifest.json']) rmSync(join(out, f), { force: true });
  writeFileSync(failedFile, `wasm build failed: ${reason}\n`);
  console.error(`[backend-wasm] wasm build failed: ${reason}`);
  console.error('[backend-wasm] continuing without the module; the backend is unavailable.');
  process.exit(0);
}

/** The first clang++ that compiles for wasm32-wasi with a libc++ sysroot. */
function findCompiler() {
  const override = process.env.BATCHWISE_WASM_CXX;
  const candidates = override ? [override] : ['clang++-22', 'clang++-21', 'clang++-20', 'clang++-19', 'clang++-18', 'clang++-17', 'clang++-16', 'clang++'];
  for (const cxx of candidates) {
    const probe = spawnSync(cxx, ['--target=wasm32-wasi', '--sysroot=/usr', '-x', 'c++', '-std=c++17', '-fsyntax-only', '-'], {
      input: '#include <vector>\n#include <wasm_simd128.h>\nint main() { std::vector<int> v; return 0; }\n',
      encoding: 'utf8',
    });
    if (probe.error || probe.status !== 0) continue;
    const version = spawnSync(cxx, ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0].trim();
    return { cxx, version };
  }
  return null;
}

function run(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.stderr.on('data', (d) => (text += d));
    child.on('error', (e) => resolve({ status: 1, text: e.message }));
    child.on('close', (status) => resolve({ status, text }));
  });
}

function objectFor(objDir, source) {
  return join(objDir, relative(join(root, '..'), source).replace(/[\\/]/g, '__').replace(/^(\.\.__)+/, '').replace(/\.cc$/, '.o'));
}

/** Whether `obj` is older than its source or any header its .d file lists. */
function stale(obj, source) {
  if (!existsSync(obj) || !existsSync(`${obj}.d`)) return true;
  const built = statSync(obj).mtimeMs;
  const deps = readFileSync(`${obj}.d`, 'utf8').replace(/\\\n/g, ' ').split(/\s+/).slice(1).filter((p) => p && !p.endsWith(':'));
  return [source, ...deps].some((p) => !existsSync(p) || statSync(p).mtimeMs > built);
}

function firstError(text) {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return (lines.find((l) => /\berror\b/i.test(l)) ?? lines.at(-1) ?? 'unknown error').slice(0, 400);
}

async function compileAll(cxx, sources, objDir, flags) {
  mkdirSync(objDir, { recursive: true });
  // Objects built with other flags or another compiler are rebuilt.
  const stamp = createHash('sha256').update(JSON.stringify([cxx, flags])).digest('hex');
  const stampFile = join(objDir, 'flags.sha256');
  const sameFlags = existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp;
  const todo = sources.filter((s) => !sameFlags || stale(objectFor(objDir, s), s));
  const jobs = Math.max(1, Math.min(availableParallelism(), Number(process.env.BATCHWISE_WASM_JOBS) || 2));
  let next = 0;
  let error = null;
  const worker = async () => {
    while (next < todo.length && error === null) {
      const source = todo[next++];
      const obj = objectFor(objDir, source);
      const r = await run(cxx, [...flags, '-MMD', '-MF', `${obj}.d`, '-c', source, '-o', obj]);
      if (r.status !== 0) error = `${relative(root, source)}: ${firstError(r.text)}`;
      else if (r.text.trim()) process.stderr.write(r.text);
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  if (error !== null) fail(error);
  writeFileSync(stampFile, stamp);
  return todo.length;
}

async function link(cxx, objects, file, extra) {
  const r = await run(cxx, [...LINK_FLAGS, ...extra, ...objects, '-o', join(out, file)]);
  if (r.status !== 0) fail(`linking ${file}: ${firstError(r.text)}`);
}

const started = Date.now();
rmSync(failedFile, { force: true });
const toolchain = findCompiler();
if (!toolchain) {
  fail(`no clang++ compiles for wasm32-wasi with a libc++ sysroot (Debian: apt-get install ${APT_PACKAGES}; or set BATCHWISE_WASM_CXX)`);
}
const sources = [...KERNEL_SOURCES, ...OWN_SOURCES];
mkdirSync(out, { recursive: true });
let compiled = 0;
for (const [name, variant] of Object.entries(VARIANTS)) {
  const objDir = join(objRoot, name);
  compiled += await compileAll(toolchain.cxx, sources, objDir, [...COMPILE_FLAGS, ...variant.compile]);
  await link(toolchain.cxx, sources.map((s) => objectFor(objDir, s)), variant.file, name === 'threads' ? THREADED_LINK_FLAGS : []);
}
writeFileSync(
  join(out, 'manifest.json'),
  `${JSON.stringify({ toolchain: toolchain.version, initialPages: INITIAL_PAGES, maxPages: MAX_PAGES, stackBytes: STACK_BYTES, simd: 'wasm-simd128' }, null, 2)}\n`,
);
console.log(`[backend-wasm] ${compiled} of ${2 * sources.length} objects compiled, 2 modules linked in ${((Date.now() - started) / 1000).toFixed(1)} s (${toolchain.version})`);
