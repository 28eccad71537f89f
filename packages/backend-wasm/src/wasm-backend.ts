import { KERNEL_NAMES, NotImplementedError, assertPositiveInt, type Backend, type BackendInfo } from '@batchwise/core';
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
}

/** The registry name of this backend. */
export const WASM_BACKEND_NAME = 'wasm';

/**
 * A `Backend` running every kernel in the WebAssembly module. Throws a
 * one-line error when the module is unavailable (not built, host without
 * WebAssembly SIMD).
 */
export function createWasmBackend(options: WasmBackendOptions = {}): Backend {
  const rt = WasmRuntime.get(options.sharedMemory);
  if (options.numThreads !== undefined) {
    assertPositiveInt('createWasmBackend', 'numThreads', options.numThreads);
    rt.setThreads(options.numThreads);
  }
  const kernels: Partial<Backend> = {
    ...trainingKernels(rt),
  };
  for (const name of KERNEL_NAMES) {
    kernels[name] ??= (() => {
      throw new NotImplementedError(WASM_BACKEND_NAME, name);
    }) as never;
  }
  return {
    ...(kernels as Backend),
    name: WASM_BACKEND_NAME,
    info: (): BackendInfo => ({
      name: WASM_BACKEND_NAME,
      threads: rt.threads(),
      simd: rt.manifest.simd,
      threading: rt.threaded ? 'shared memory + workers' : `single-threaded: ${rt.singleThreadedReason}`,
      memoryBytes: rt.buffer.byteLength,
      toolchain: rt.manifest.toolchain,
    }),
  };
}
