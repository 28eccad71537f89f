import { FUSED_KERNEL_NAMES, KERNEL_NAMES, type Backend, type BackendProperty, type FusedKernelName, type FusedKernels, type KernelName } from './backend.js';
import { FUSED_KERNEL_VALIDATORS, KERNEL_VALIDATORS } from './ops.js';

/*
 * Kernels that run core's validator for their name before anything else, for
 * backends whose kernels must check their own arguments (the native addon and
 * the wasm module take pointers: a wrong one is a crash, not an exception).
 * A backend whose every kernel is wrapped here may say so with
 * `validatesArguments: validatesEveryKernel(kernels)`, and `createOps` then
 * skips its own copy of the same checks.
 */

/** Each wrapper made here, with the kernel name whose validator it runs. */
const wrappers = new WeakMap<object, string>();

function wrap(name: string, validate: (...args: unknown[]) => void, impl: unknown): (...args: unknown[]) => unknown {
  const run = impl as (...args: unknown[]) => unknown;
  const kernel = (...args: unknown[]) => {
    validate(...args);
    return run(...args);
  };
  wrappers.set(kernel, name);
  return kernel;
}

/** `impl` behind core's validator for `name` (KERNEL_VALIDATORS): the same checks `createOps` applies. */
export function validated<K extends KernelName>(name: K, impl: Backend[K]): Backend[K] {
  return wrap(name, KERNEL_VALIDATORS[name] as (...args: unknown[]) => void, impl) as Backend[K];
}

/** `validated` for a fused kernel (FUSED_KERNEL_VALIDATORS). */
export function validatedFused<K extends FusedKernelName>(name: K, impl: Required<FusedKernels>[K]): Required<FusedKernels>[K] {
  return wrap(name, FUSED_KERNEL_VALIDATORS[name] as (...args: unknown[]) => void, impl) as Required<FusedKernels>[K];
}

/**
 * True when every kernel of `kernels` (each of KERNEL_NAMES, and each fused
 * kernel present) was made by `validated` or `validatedFused` for its own
 * name: the sound value of a backend's `validatesArguments`.
 */
export function validatesEveryKernel(kernels: Omit<Backend, BackendProperty>): boolean {
  const table = kernels as unknown as Record<string, unknown>;
  const own = (name: string) => {
    const k = table[name];
    return typeof k === 'function' && wrappers.get(k) === name;
  };
  return KERNEL_NAMES.every(own) && FUSED_KERNEL_NAMES.every((name) => table[name] === undefined || own(name));
}
