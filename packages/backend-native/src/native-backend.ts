import { assertPositiveInt, validatesEveryKernel, type Backend, type BackendInfo, type BackendProperty } from '@batchwise/core';
import { loadAddon, loadedAddonPath } from './addon.js';
import { convKernels } from './backend/conv.js';
import { elementwiseKernels } from './backend/elementwise.js';
import { fusedKernels } from './backend/fused.js';
import { linearKernels } from './backend/linear.js';
import { normPoolKernels } from './backend/norm-pool.js';
import { reduceTrainKernels } from './backend/reduce-train.js';
import { tensorOpKernels } from './backend/tensor-ops.js';

export interface NativeBackendOptions {
  /**
   * Resizes the addon's one thread pool (shared by every native backend
   * instance in the process). Default: leave it as it is, which starts at
   * BATCHWISE_NUM_THREADS or the number of cores.
   */
  numThreads?: number;
}

/** The registry name of this backend. */
export const NATIVE_BACKEND_NAME = 'native';

/**
 * A `Backend` running every kernel in the C++ addon. Throws a one-line
 * error when the addon is unavailable (build failed, load error, bad BATCHWISE_ISA).
 */
export function createNativeBackend(options: NativeBackendOptions = {}): Backend {
  const addon = loadAddon();
  if (options.numThreads !== undefined) setNumThreads(options.numThreads);
  // Typed as the whole interface: a kernel left out is a compile error.
  const kernels: Omit<Backend, BackendProperty> = {
    ...linearKernels(addon),
    ...convKernels(addon),
    ...normPoolKernels(addon),
    ...elementwiseKernels(addon),
    ...reduceTrainKernels(addon),
    ...fusedKernels(addon),
    ...tensorOpKernels(addon),
  };
  return {
    name: NATIVE_BACKEND_NAME,
    // True only when every kernel runs core's validator (core's `validated`).
    validatesArguments: validatesEveryKernel(kernels),
    info: (): BackendInfo => {
      const { isa, ...table } = addon.getKernelTable();
      return { name: NATIVE_BACKEND_NAME, threads: addon.getNumThreads(), simd: isa, ...table, allocator: addon.getAllocator() };
    },
    ...kernels,
  };
}

/** Resizes the native thread pool (1..1024). Results do not depend on it, only speed. */
export function setNumThreads(n: number): void {
  assertPositiveInt('setNumThreads', 'n', n);
  loadAddon().setNumThreads(n);
}

/** Threads the native kernels use now. */
export function getNumThreads(): number {
  return loadAddon().getNumThreads();
}

/** SIMD level chosen at load: 'avx512', 'avx2' or 'scalar' (BATCHWISE_ISA can only lower it). */
export function getIsa(): string {
  return loadAddon().getIsa();
}

/**
 * The addon file in use: `build/Release/batchwise_native.node` when it was
 * built from source (in the repository, or at install where no prebuilt
 * binary matched), else the prebuilt one under `prebuilds/<platform>-<arch>/`.
 */
export function getAddonPath(): string {
  return loadedAddonPath();
}
