import { argmaxRangeError, type MaxPoolOptions } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { cpu, expectTensorClose, native, randn } from './helpers.js';

/*
 * Paths of the native fused batch norm + ReLU backward that the conformance
 * cases (argmax from the forward) do not reach: an argmax index that is in
 * range but outside its own window sends the call from the disjoint-window
 * path to the general one, which must still follow the definition (cpu's).
 */
const pool: MaxPoolOptions = { poolSize: [2, 2], strides: [2, 2], padding: 'valid' };

function forward() {
  const x = randn([2, 6, 6, 4], 1), gamma = randn([4], 2), beta = randn([4], 3);
  const r = native.batchNormReluTraining!(x, gamma, beta, { epsilon: 1e-3, pool });
  const dy = randn(r.y.shape, 4);
  return { x, gamma, r, dy };
}

describe('native batchNormReluBackward', () => {
  it('follows the definition when an argmax index lies outside its window', () => {
    const { x, gamma, r, dy } = forward();
    const argmax = r.argmax!.slice();
    // Element 0 (image 0, pooled pixel (0,0), channel 0) now names pixel (5,5): in range, not in its window.
    argmax[0] = (5 * 6 + 5) * 4;
    const y = r.y.clone();
    y.data[0] = 1;
    const params = { x, gamma, mean: r.mean, invStd: r.invStd, y, argmax, pool };
    const n = native.batchNormReluBackward!(dy, params);
    const c = cpu.batchNormReluBackward!(dy, params);
    for (const k of ['dx', 'dgamma', 'dbeta'] as const) expectTensorClose(n[k], c[k], `general path ${k}`, 1e-5, 1e-5);
    // Unchanged argmax: the disjoint-window path, same definition.
    const fast = { ...params, y: r.y, argmax: r.argmax };
    const nf = native.batchNormReluBackward!(dy, fast);
    const cf = cpu.batchNormReluBackward!(dy, fast);
    for (const k of ['dx', 'dgamma', 'dbeta'] as const) expectTensorClose(nf[k], cf[k], `disjoint path ${k}`, 1e-5, 1e-5);
  });

  it("refuses an index outside x with maxPoolBackward's error, before returning", () => {
    const { x, gamma, r, dy } = forward();
    const argmax = r.argmax!.slice();
    argmax[7] = x.size;
    const call = () => native.batchNormReluBackward!(dy, { x, gamma, mean: r.mean, invStd: r.invStd, y: r.y, argmax, pool });
    expect(call).toThrow(argmaxRangeError(argmax, x.size)!.message);
  });
});
