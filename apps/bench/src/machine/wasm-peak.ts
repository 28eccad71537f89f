import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import type { PerThreads } from './peak.js';

/*
 * The WebAssembly SIMD128 arithmetic peak, beside peak.ts's native FMA peak:
 * ../../probe/peak-wasm.cc (12 chains of f32x4 multiply then add) compiled
 * with clang for wasm32 at run time (nothing downloaded; the same toolchain
 * as @batchwise/backend-wasm's build) and run in this Node's V8 on one worker
 * thread and on one per hardware thread, started together. It is the ceiling
 * of any wasm kernel without FMA, so the wasm contenders' GFLOP/s can be read
 * as a share of it, and native's FMA peak over it says how far apart the two
 * backends' arithmetic is on this machine.
 */

const run = promisify(execFile);

export const WASM_PEAK_COMPILE_FLAGS = [
  '--target=wasm32', '-O2', '-msimd128', '-ffp-contract=off', '-nostdlib', '-ffreestanding', '-Wl,--no-entry',
] as const;

/** Loop iterations per timed call: about 35 ms of one free core on this machine. */
export const WASM_PEAK_ITERS = 20_000_000;

/** Compilers tried in order (BATCHWISE_WASM_CXX first, as the wasm build does). */
function compilers(): string[] {
  const fromEnv = process.env.BATCHWISE_WASM_CXX;
  const versions = Array.from({ length: 7 }, (_, i) => `clang++-${22 - i}`);
  return [...(fromEnv ? [fromEnv] : []), ...versions, 'clang++'];
}

// A worker: instantiates the probe, tiers it up (V8 compiles wasm with its
// baseline compiler first and swaps in optimised code on a later call), then
// times one call per 'go' message. Start and end are absolute times
// (timeOrigin differs per worker), so the parent can time all calls as one span.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const probe = new WebAssembly.Instance(new WebAssembly.Module(workerData.bytes)).exports;
for (let i = 0; i < 200; i++) probe.mul_add(10000);
parentPort.on('message', (iters) => {
  const start = performance.timeOrigin + performance.now();
  const sink = probe.mul_add(iters);
  const end = performance.timeOrigin + performance.now();
  parentPort.postMessage({ start, end, flops: iters * probe.flops_per_iter(), sink });
});
parentPort.postMessage('ready');
`;

interface Timed {
  start: number;
  end: number;
  flops: number;
}

/**
 * GFLOP/s of `workers` timing one call each, released together: their flops
 * over the span from the first start to the last end. (Over the slowest
 * call alone, calls that the OS ran one after another would count as parallel.)
 */
async function timeTogether(workers: readonly Worker[], iters: number): Promise<number> {
  const results = await Promise.all(
    workers.map(
      (w) =>
        new Promise<Timed>((resolve, reject) => {
          w.once('message', resolve);
          w.once('error', reject);
          w.postMessage(iters);
        }),
    ),
  );
  const flops = results.reduce((s, r) => s + r.flops, 0);
  const span = Math.max(...results.map((r) => r.end)) - Math.min(...results.map((r) => r.start));
  return flops / (span * 1e6);
}

async function startWorkers(count: number, bytes: Uint8Array): Promise<Worker[]> {
  const workers = Array.from({ length: count }, () => new Worker(WORKER_SOURCE, { eval: true, workerData: { bytes } }));
  await Promise.all(workers.map((w) => new Promise((resolve, reject) => { w.once('message', resolve); w.once('error', reject); })));
  return workers;
}

export interface WasmPeakProbe {
  /** mul+add GFLOP/s on 1 thread and on `threads` (native probe's count; default every hardware thread), best of `trials` each. */
  measure(trials?: number, threads?: number): Promise<PerThreads>;
  readonly compiler: string;
  dispose(): Promise<void>;
}

/** Compiles the probe; throws with the reason when no clang can build wasm32 here. */
export async function compileWasmPeakProbe(): Promise<WasmPeakProbe> {
  const source = fileURLToPath(new URL('../../probe/peak-wasm.cc', import.meta.url));
  const dir = await mkdtemp(path.join(tmpdir(), 'batchwise-wasm-peak-'));
  const output = path.join(dir, 'peak.wasm');
  let compiler: string | undefined;
  let lastError = '';
  for (const cxx of compilers()) {
    try {
      await run(cxx, [...WASM_PEAK_COMPILE_FLAGS, source, '-o', output]);
      compiler = cxx;
      break;
    } catch (e) {
      lastError = e instanceof Error ? e.message.split('\n').slice(0, 2).join(' ') : String(e);
    }
  }
  if (!compiler) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`cannot compile the wasm peak probe (tried ${compilers().join(', ')}): ${lastError}`);
  }
  const bytes = new Uint8Array(await readFile(output));
  await rm(dir, { recursive: true, force: true });
  return {
    compiler,
    async measure(trials = 5, threads = availableParallelism()) {
      const best = async (count: number) => {
        const workers = await startWorkers(count, bytes);
        try {
          let top = 0;
          for (let t = 0; t < trials; t++) top = Math.max(top, await timeTogether(workers, WASM_PEAK_ITERS));
          return top;
        } finally {
          await Promise.all(workers.map((w) => w.terminate()));
        }
      };
      const one = await best(1);
      return { one, all: threads > 1 ? await best(threads) : one };
    },
    dispose: async () => {},
  };
}
