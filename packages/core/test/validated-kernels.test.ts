import { describe, expect, it } from 'vitest';
import {
  FUSED_KERNEL_NAMES,
  KERNEL_NAMES,
  ShapeError,
  createOps,
  validated,
  validatedFused,
  validatesEveryKernel,
  zeros,
  type Backend,
  type BackendProperty,
} from '../src/index.js';

type Kernels = Omit<Backend, BackendProperty>;

/** Kernels that record their name; `wrap` says which of them go through core's validators. */
function kernels(calls: string[], wrap: (name: string) => boolean, fused = false): Kernels {
  const table: Record<string, unknown> = {};
  for (const name of KERNEL_NAMES) {
    const run = () => calls.push(name);
    table[name] = wrap(name) ? validated(name, run as never) : run;
  }
  if (fused) {
    for (const name of FUSED_KERNEL_NAMES) {
      const run = () => calls.push(name);
      table[name] = wrap(name) ? validatedFused(name, run as never) : run;
    }
  }
  return table as unknown as Kernels;
}

describe('validated', () => {
  it("runs core's validator for the name before the kernel, and passes valid calls through", () => {
    const calls: string[] = [];
    const k = kernels(calls, () => true);
    expect(() => k.matMul(zeros([2, 3]), zeros([4, 2]))).toThrow('matMul: inner dimensions must match, received a [2,3] and b [4,2] (3 vs 4).');
    expect(calls).toEqual([]);
    k.matMul(zeros([2, 3]), zeros([3, 4]));
    expect(calls).toEqual(['matMul']);
  });

  it('does the same for fused kernels', () => {
    const calls: string[] = [];
    const k = kernels(calls, () => true, true);
    const bad = () => k.batchNormReluTraining?.(zeros([4, 3]), zeros([2]), zeros([3]), { epsilon: 1e-3 });
    expect(bad).toThrow(ShapeError);
    expect(calls).toEqual([]);
  });
});

describe('validatesEveryKernel', () => {
  it('is true when every kernel, and every fused kernel present, is wrapped for its own name', () => {
    expect(validatesEveryKernel(kernels([], () => true))).toBe(true);
    expect(validatesEveryKernel(kernels([], () => true, true))).toBe(true);
  });

  it('is false when one kernel or one present fused kernel skips validation', () => {
    expect(validatesEveryKernel(kernels([], (n) => n !== 'relu'))).toBe(false);
    expect(validatesEveryKernel(kernels([], (n) => n !== 'conv2dBatchNormRelu', true))).toBe(false);
  });

  it('is false for a kernel wrapped with another kernel name (it would run the wrong checks)', () => {
    const k = kernels([], () => true) as unknown as Record<string, unknown>;
    k.sub = k.add;
    expect(validatesEveryKernel(k as unknown as Kernels)).toBe(false);
  });

  it('lets createOps skip its own checks only for the backend it vouches for', () => {
    const calls: string[] = [];
    const partly = kernels(calls, (n) => n !== 'matMul');
    const backend = { name: 'b', info: () => ({ name: 'b', threads: 1, simd: 'none' }), validatesArguments: validatesEveryKernel(partly), ...partly } as Backend;
    expect(() => createOps(backend).matMul(zeros([2, 3]), zeros([4, 2]))).toThrow(ShapeError);
    expect(calls).toEqual([]);
  });
});
