import { FUSED_KERNEL_VALIDATORS, KERNEL_VALIDATORS, type Backend, type FusedKernelName, type FusedKernels, type KernelName, type WindowGeometry } from '@batchwise/core';

/*
 * Every native kernel runs core's validator for its name first (the same
 * checks `createOps` applies), then the addon checks again in C++ before it
 * touches memory: the addon may be called directly, and a wrong pointer
 * there is a crash, not an exception.
 */
export function validated<K extends KernelName>(name: K, impl: Backend[K]): Backend[K] {
  const validate = KERNEL_VALIDATORS[name] as (...args: unknown[]) => void;
  const run = impl as (...args: unknown[]) => unknown;
  return ((...args: unknown[]) => {
    validate(...args);
    return run(...args);
  }) as Backend[K];
}

/** `validated` for a fused kernel. */
export function validatedFused<K extends FusedKernelName>(name: K, impl: Required<FusedKernels>[K]): Required<FusedKernels>[K] {
  const validate = FUSED_KERNEL_VALIDATORS[name] as (...args: unknown[]) => void;
  const run = impl as (...args: unknown[]) => unknown;
  return ((...args: unknown[]) => {
    validate(...args);
    return run(...args);
  }) as Required<FusedKernels>[K];
}

/** The 17 numbers the addon re-derives and compares, in the order of its ConvGeom struct. */
export function geometryArgs(g: WindowGeometry, outChannels: number): number[] {
  return [
    g.batch, g.inHeight, g.inWidth, g.inChannels, g.outHeight, g.outWidth, outChannels,
    g.kernelHeight, g.kernelWidth, g.strideHeight, g.strideWidth, g.dilationHeight, g.dilationWidth,
    g.padTop, g.padLeft, g.padBottom, g.padRight,
  ];
}
