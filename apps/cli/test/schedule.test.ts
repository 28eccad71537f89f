import { describe, expect, it } from 'vitest';
import type { RunSettings } from '../src/training/checkpoint.js';
import { epochLearningRate } from '../src/training/run-training.js';
import { CheckpointableOptimizer } from '../src/training/optimizers.js';

const settings: RunSettings = {
  source: { kind: 'preset', name: 'cnn-bn' }, dataset: 'fashion-mnist', limit: null, validationSplit: 0.1, seed: 1,
  epochs: 4, batchSize: 64, learningRate: 0.004, lrDecay: 0.5, optimizer: 'adam',
};

describe('learning-rate schedule', () => {
  it('decays per epoch from the epoch number alone, so a resumed run recomputes it', () => {
    expect([0, 1, 2, 3].map((e) => epochLearningRate(settings, e))).toEqual([0.004, 0.002, 0.001, 0.0005]);
  });
  it('is constant for checkpoints written before lrDecay existed', () => {
    const { lrDecay: _, ...old } = settings;
    expect(epochLearningRate(old, 3)).toBe(0.004);
  });
  it('round-trips optimizer state as copies', () => {
    const opt = new CheckpointableOptimizer('adam', 0.01);
    const state = opt.getState();
    expect(state).toMatchObject({ name: 'adam', learningRate: 0.01, step: 0, slots: {} });
    opt.setState({ ...state, step: 7 });
    expect(opt.getState().step).toBe(7);
  });
});
