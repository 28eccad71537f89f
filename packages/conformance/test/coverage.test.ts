import { KERNEL_NAMES, Tensor, type Backend } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { kernelCases } from '../src/cases/index.js';
import { GRADIENT_CHECKS } from '../src/gradient-check.js';
import { runConformance } from '../src/runner.js';
import { createReferenceBackend } from '../src/testing/index.js';

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

  it('compares every kernel across backends, except dropout (each backend draws its own mask)', () => {
    const compared = new Set(cases.filter((c) => c.cross).map((c) => c.kernel));
    expect(KERNEL_NAMES.filter((k) => !compared.has(k))).toEqual(['dropout']);
  });
});

/** The float32 one unit in the last place above v (v finite). */
function nextUp(v: number): number {
  const f = new Float32Array([v]);
  const bits = new Int32Array(f.buffer);
  bits[0] += v >= 0 ? 1 : -1;
  return v === 0 ? 1.4e-45 : f[0];
}

/** The last element of t made one ulp larger. */
function nudge(t: Tensor): void {
  if (t.size > 0) t.data[t.size - 1] = nextUp(t.data[t.size - 1]);
}

/** Layers rely on these giving the same bits on every backend: their cases allow no error at all. */
const EXACT_KERNELS = ['broadcastBinary', 'equal', 'greater', 'gather', 'concat', 'oneHot', 'assign', 'axpby'] as const;

describe('kernels held exactly', () => {
  const reference = createReferenceBackend();
  for (const kernel of EXACT_KERNELS) {
    it(`${kernel}: one ulp off in one element fails`, () => {
      const run = (reference[kernel] as (...a: unknown[]) => unknown).bind(reference);
      const offByOneUlp = (...args: unknown[]) => {
        const out = run(...args);
        // In-place kernels write their first argument; the others return a tensor.
        nudge(out instanceof Tensor ? out : (args[0] as Tensor));
        return out;
      };
      const r = runConformance({ ...reference, [kernel]: offByOneUlp } as Backend, { kernels: [kernel], groups: ['kernel'] });
      expect(r.kernels[kernel].pass).toBe(false);
    });
  }
});
