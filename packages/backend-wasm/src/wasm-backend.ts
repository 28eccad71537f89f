import {
  InvalidArgumentError,
  assertBoolean,
  assertPositiveInt,
  validatesEveryKernel,
  type Backend,
  type BackendInfo,
  type BackendProperty,
} from '@batchwise/core';
import { convKernels } from './backend/conv.js';
import { elementwiseKernels } from './backend/elementwise.js';
import { fusedKernels } from './backend/fused.js';
import { linearKernels } from './backend/linear.js';
import { normPoolKernels } from './backend/norm-pool.js';
import { reduceKernels } from './backend/reduce.js';
import { tensorOpKernels } from './backend/tensor-ops.js';
import { trainingKernels } from './backend/training.js';
import { WasmRuntime } from './runtime/runtime.js';

export interface WasmBackendOptions {
  /**
   * Threads of the (process-wide) pool, the caller included, 1..64. Default:
   * leave it as it is, which starts at BATCHWISE_NUM_THREADS or the number of cores.
   */
  numThreads?: number;
  /**
   * Shared memory and workers (default: whenever the host has them). `false`
   * uses the single-threaded module; `true` fails where they are missing.
   */
  sharedMemory?: boolean;
  /**
   * Most bytes the linear memory may grow to (default and maximum 4 GiB,
   * wasm32's limit). Backends with different limits get separate memories.
   */
  memoryLimitBytes?: number;
}

/** Most threads a pool runs (csrc/runtime/wasm-pool.h kMaxThreads). */
export const MAX_THREADS = 64;

function assertThreadCount(fn: string, n: unknown): asserts n is number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_THREADS) {
    throw new InvalidArgumentError(`${fn}: numThreads must be an integer in [1, ${MAX_THREADS}], received ${String(n)}.`);
  }
}

/** Resizes the threaded module's pool (1..64, the caller included); results do not depend on it, only speed. */
export function setNumThreads(n: number): void {
  assertThreadCount('setNumThreads', n);
  WasmRuntime.get(undefined, undefined).setThreads(n);
}

/** Threads the default wasm backend's kernels use now (1 without shared memory). */
export function getNumThreads(): number {
  return WasmRuntime.get(undefined, undefined).threads();
}

/** The registry name of this backend. */
export const WASM_BACKEND_NAME = 'wasm';

/**
 * A `Backend` running every kernel in the WebAssembly module. Throws a
 * one-line error when the module is unavailable (not built, host without
 * WebAssembly SIMD).
 */
export function createWasmBackend(options: WasmBackendOptions = {}): Backend {
  const fn = 'createWasmBackend';
  if (options.sharedMemory !== undefined) assertBoolean(fn, 'sharedMemory', options.sharedMemory);
  if (options.memoryLimitBytes !== undefined) assertPositiveInt(fn, 'memoryLimitBytes', options.memoryLimitBytes);
  if (options.numThreads !== undefined) assertThreadCount(fn, options.numThreads);
  const rt = WasmRuntime.get(options.sharedMemory, options.memoryLimitBytes);
  if (options.numThreads !== undefined) rt.setThreads(options.numThreads);
  // Typed as the whole interface: a kernel left out is a compile error.
  const kernels: Omit<Backend, BackendProperty> = {
    ...linearKernels(rt),
    ...convKernels(rt),
    ...normPoolKernels(rt),
    ...elementwiseKernels(rt),
    ...reduceKernels(rt),
    ...trainingKernels(rt),
    ...tensorOpKernels(rt),
    ...fusedKernels(rt),
  };
  return {
    ...kernels,
    name: WASM_BACKEND_NAME,
    // True only when every kernel runs core's validator (core's `validated`): core's ops then need not check again.
    validatesArguments: validatesEveryKernel(kernels),
    info: (): BackendInfo => ({
      name: WASM_BACKEND_NAME,
      threads: rt.threads(),
      simd: rt.manifest.simd,
      threading: rt.threaded ? 'shared memory + workers' : `single-threaded: ${rt.singleThreadedReason}`,
      memoryBytes: rt.buffer.byteLength,
      memoryLimitBytes: rt.limitBytes,
      workerTasks: rt.exports.bw_worker_tasks(),
      movedInTensors: rt.movedIn.tensors,
      movedInBytes: rt.movedIn.bytes,
      toolchain: rt.manifest.toolchain,
    }),
  };
}
