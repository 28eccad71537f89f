import { FUSED_KERNEL_VALIDATORS, KERNEL_VALIDATORS, type Backend, type FusedKernelName, type FusedKernels, type KernelName } from '@batchwise/core';

/*
 * Every wasm kernel runs core's validator for its name first (the checks
 * `createOps` applies), then the module checks again in C++ before it touches
 * memory (csrc/entry/args.h), as the native backend does.
 */
export function validated<K extends KernelName>(name: K, impl: Backend[K]): Backend[K] {
  const validate = KERNEL_VALIDATORS[name] as (...args: unknown[]) => void;
  const run = impl as (...args: unknown[]) => unknown;
  return ((...args: unknown[]) => {
    validate(...args);
    return run(...args);
  }) as Backend[K];
}

/** The same for the optional fused kernels (core's FUSED_KERNEL_VALIDATORS). */
export function validatedFused<K extends FusedKernelName>(name: K, impl: Required<FusedKernels>[K]): Required<FusedKernels>[K] {
  const validate = FUSED_KERNEL_VALIDATORS[name] as (...args: unknown[]) => void;
  const run = impl as (...args: unknown[]) => unknown;
  return ((...args: unknown[]) => {
    validate(...args);
    return run(...args);
  }) as Required<FusedKernels>[K];
}
