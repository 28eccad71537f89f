import { createOps, findBackend, FUSED_KERNEL_NAMES, hasKernel, KERNEL_NAMES, listBackends, tensor } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '../src/index.js';

describe('cpu backend', () => {
  it('implements every kernel of the interface', () => {
    const backend = createCpuBackend();
    for (const name of KERNEL_NAMES) expect(typeof backend[name], name).toBe('function');
  });

  it('implements every fused kernel (the conformance suite skips a missing one)', () => {
    const backend = createCpuBackend();
    for (const name of FUSED_KERNEL_NAMES) expect(hasKernel(name, backend), name).toBe(true);
  });

  it('reports its info', () => {
    expect(createCpuBackend().info()).toEqual({ name: 'cpu', threads: 1, simd: 'none' });
  });

  it('registers itself as cpu with priority 1 on import', () => {
    const status = listBackends().find((b) => b.name === 'cpu');
    expect(status).toMatchObject({ name: 'cpu', priority: 1, available: true });
    expect(findBackend('cpu').name).toBe('cpu');
  });

  it('runs through the validated ops of core', () => {
    const ops = createOps(createCpuBackend());
    const y = ops.matMul(tensor([[1, 2]]), tensor([[3], [4]]));
    expect([...y.data]).toEqual([11]);
    expect(() => ops.matMul(tensor([[1, 2]]), tensor([[3, 4]]))).toThrow(/inner dimensions must match/);
  });
});
