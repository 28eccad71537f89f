import { describe, expect, it } from 'vitest';
import { caseFlops, modelFlops } from '../src/models/flops.js';
import { BENCH_CNN, BENCH_MLP, CNN_BN_PRESET } from '../src/models/specs.js';

describe('modelFlops', () => {
  it('counts the bench CNN by hand: 2 per multiply-add, no input gradient for the first layer', () => {
    const conv1 = 2 * 28 * 28 * 32 * 9 * 1; // 451,584
    const conv2 = 2 * 14 * 14 * 64 * 9 * 32; // 7,225,344
    const dense = 2 * 7 * 7 * 64 * 10; // 62,720
    const f = modelFlops(BENCH_CNN);
    expect(f.forward).toBe(conv1 + conv2 + dense);
    expect(f.backward).toBe(conv1 + 2 * conv2 + 2 * dense);
    expect(f.train).toBe(f.forward + f.backward);
    expect(f.train / 1e6).toBeCloseTo(22.8, 1); // the "about 22.8 MFLOP per image"
    expect(f.layers.map((l) => l.type)).toEqual(['conv2d', 'conv2d', 'dense']);
  });

  it('follows the shapes through pooling and flatten (cnn-bn preset, MLP)', () => {
    const p = modelFlops(CNN_BN_PRESET);
    const expected = 2 * 28 * 28 * 16 * 9 + 2 * 14 * 14 * 32 * 9 * 16 + 2 * 7 * 7 * 32 * 128 + 2 * 128 * 10;
    expect(p.forward).toBe(expected);
    const m = modelFlops(BENCH_MLP);
    expect(m.forward).toBe(2 * (784 * 100 + 100 * 100 + 100 * 100 + 100 * 10));
    expect(m.backward).toBe(2 * 784 * 100 + 4 * (100 * 100 + 100 * 100 + 100 * 10));
  });

  it('gives a prediction its forward work and a training step both', () => {
    expect(caseFlops(BENCH_MLP, 'predict')).toBe(modelFlops(BENCH_MLP).forward);
    expect(caseFlops(BENCH_MLP, 'train')).toBe(modelFlops(BENCH_MLP).train);
  });
});
