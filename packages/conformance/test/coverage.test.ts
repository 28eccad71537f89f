import { KERNEL_NAMES } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { kernelCases } from '../src/cases/index.js';
import { GRADIENT_CHECKS } from '../src/gradient-check.js';

describe('suite coverage', () => {
  const cases = kernelCases();

  it('checks every kernel of KERNEL_NAMES against the reference', () => {
    const covered = new Set(cases.map((c) => c.kernel));
    expect(KERNEL_NAMES.filter((k) => !covered.has(k))).toEqual([]);
  });

  it('gives every case a unique name within its kernel', () => {
    const keys = cases.map((c) => `${c.kernel}/${c.name}`);
    expect(keys.length).toBe(new Set(keys).size);
  });

  it('checks every backward kernel against finite differences too', () => {
    const backward = KERNEL_NAMES.filter((k) => k.endsWith('Backward') || k.startsWith('conv2dBackprop') || k === 'biasGrad');
    const checked = new Set(GRADIENT_CHECKS.map((c) => c.kernel));
    expect(backward.filter((k) => !checked.has(k))).toEqual([]);
    expect(checked).toContain('softmaxCrossEntropy');
  });
});
