import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/*
 * The machine's own peak, measured in the same run as the kernels: the C++
 * probe in ../../probe/peak.cpp is compiled with the system g++ into a
 * temporary directory (nothing is downloaded) and run once. It reports
 * float32 FMA GFLOP/s (AVX2, and AVX-512 when CPUID has avx512f) and triad
 * GB/s for arrays far beyond L3 and for arrays the size of the benchmarked
 * batch-norm tensor, on one thread and on all.
 */

const run = promisify(execFile);

export interface PerThreads {
  one: number;
  all: number;
}

export interface Peak {
  threads: number;
  avx512: boolean;
  /** GFLOP/s of the best ISA (what a kernel on this machine can reach). */
  fma: PerThreads;
  fmaByIsa: { avx2: PerThreads; avx512?: PerThreads };
  /** Triad GB/s, arrays of 128 MiB each (DRAM). */
  dram: PerThreads & { bytesPerArray: number };
  /** Triad GB/s, arrays as large as the batch-norm tensor (they stay in L3 here). */
  cache: PerThreads & { bytesPerArray: number };
  /** WebAssembly SIMD128 multiply + add GFLOP/s in this Node's V8 (wasm-peak.ts), when measured. */
  wasmSimd128?: PerThreads;
}

export const PEAK_COMPILE_FLAGS = ['-O2', '-mavx2', '-mfma', '-std=c++17', '-pthread'] as const;

interface ProbeOutput {
  threads: number;
  avx512: boolean;
  fma: { avx2: PerThreads; avx512: PerThreads };
  triad: { dram: PerThreads & { bytesPerArray: number }; cache: PerThreads & { bytesPerArray: number } };
}

/** Parses the probe's JSON line into a Peak. Exported for tests. */
export function parsePeak(stdout: string): Peak {
  const raw = JSON.parse(stdout.trim()) as ProbeOutput;
  const best = raw.avx512 && raw.fma.avx512.one > raw.fma.avx2.one ? raw.fma.avx512 : raw.fma.avx2;
  return {
    threads: raw.threads,
    avx512: raw.avx512,
    fma: { one: best.one, all: best.all },
    fmaByIsa: { avx2: raw.fma.avx2, ...(raw.avx512 ? { avx512: raw.fma.avx512 } : {}) },
    dram: raw.triad.dram,
    cache: raw.triad.cache,
  };
}

/** The per-figure maximum of several probe runs: the machine can do at least its best observed rate. */
export function bestPeak(peaks: readonly Peak[]): Peak {
  const max = (f: (p: Peak) => number) => Math.max(...peaks.map(f));
  const first = peaks[0];
  return {
    threads: first.threads,
    avx512: first.avx512,
    fma: { one: max((p) => p.fma.one), all: max((p) => p.fma.all) },
    fmaByIsa: {
      avx2: { one: max((p) => p.fmaByIsa.avx2.one), all: max((p) => p.fmaByIsa.avx2.all) },
      ...(first.fmaByIsa.avx512
        ? { avx512: { one: max((p) => p.fmaByIsa.avx512?.one ?? 0), all: max((p) => p.fmaByIsa.avx512?.all ?? 0) } }
        : {}),
    },
    dram: { bytesPerArray: first.dram.bytesPerArray, one: max((p) => p.dram.one), all: max((p) => p.dram.all) },
    cache: { bytesPerArray: first.cache.bytesPerArray, one: max((p) => p.cache.one), all: max((p) => p.cache.all) },
    ...(peaks.some((p) => p.wasmSimd128)
      ? { wasmSimd128: { one: max((p) => p.wasmSimd128?.one ?? 0), all: max((p) => p.wasmSimd128?.all ?? 0) } }
      : {}),
  };
}

export interface PeakProbe {
  /** Runs the probe: best of `trials` per figure (default 5). */
  measure(trials?: number): Promise<Peak>;
  dispose(): Promise<void>;
}

/** Compiles the probe; throws with the compiler's message when g++ is missing or fails. */
export async function compilePeakProbe(cacheElements: number): Promise<PeakProbe> {
  const source = fileURLToPath(new URL('../../probe/peak.cpp', import.meta.url));
  const dir = await mkdtemp(path.join(tmpdir(), 'batchwise-peak-'));
  const binary = path.join(dir, 'peak');
  try {
    await run('g++', [...PEAK_COMPILE_FLAGS, source, '-o', binary]);
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    const msg = e instanceof Error ? e.message.split('\n').slice(0, 2).join(' ') : String(e);
    throw new Error(`cannot compile the peak probe with g++: ${msg}`);
  }
  return {
    async measure(trials = 5) {
      const { stdout } = await run(binary, [String(cacheElements), String(trials)], { timeout: 120_000 });
      return parsePeak(stdout);
    },
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}
