import { dispose, memory, tensor, tidy } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { native } from './helpers.js';

/*
 * Native's maxPoolInference runs the forward kernel with a scratch argmax
 * taken from core's pool and given straight back. The values must equal
 * maxPool's y bit for bit, and the scratch must neither leak into a tidy
 * scope's result nor be handed out twice (a double release would give one
 * buffer to two outputs).
 */
describe('native maxPoolInference', () => {
  const n = 4 * 28 * 28 * 32;
  const x = tensor(Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 3), [4, 28, 28, 32]);
  const options = { poolSize: [2, 2] as [number, number], strides: [2, 2] as [number, number], padding: 'valid' as const };

  it("equals maxPool's values, inside and outside tidy, call after call", () => {
    const reference = native.maxPool(x, options).y.data.slice();
    const outputs: Float32Array[] = [];
    for (let i = 0; i < 3; i++) outputs.push(native.maxPoolInference(x, options).data);
    for (let i = 0; i < 3; i++) outputs.push(tidy(() => native.maxPoolInference(x, options)).data);
    for (const y of outputs) expect(y).toEqual(reference);
    // Every output still alive owns its own memory.
    expect(new Set(outputs.map((y) => y.buffer)).size).toBe(outputs.length);
    dispose(outputs);
  });

  it('returns its scratch to the pool: no new buffers in steady state', () => {
    for (let i = 0; i < 3; i++) dispose(native.maxPoolInference(x, options));
    const before = memory();
    for (let i = 0; i < 20; i++) dispose(native.maxPoolInference(x, options));
    expect(memory().allocated - before.allocated).toBe(0);
  });
});
