import { Random } from '@batchwise/core';
import { randomData } from '../kernels/cases.js';
import { CLASSES, type ModelCase } from './specs.js';

/** Inputs and one-hot labels of a model case, from fixed seeds: every contender gets the same batch. */
export function batchData(c: Pick<ModelCase, 'spec' | 'batch'>): { x: Float32Array; xShape: number[]; y: Float32Array } {
  const xShape = [c.batch, ...c.spec.inputShape];
  const rng = new Random(21);
  const y = new Float32Array(c.batch * CLASSES);
  for (let i = 0; i < c.batch; i++) y[i * CLASSES + rng.int(CLASSES)] = 1;
  return { x: randomData(xShape, 20), xShape, y };
}
