import { InvalidArgumentError, ShapeError, Tensor, formatShape } from '@batchwise/core';
import { formatSymbolicShape, type SymbolicTensor } from '../engine/symbolic-tensor.js';

/** x as a list, one tensor per model input, each matching its input's shape (batch free). */
export function checkInputs(fn: string, inputs: SymbolicTensor[], x: unknown): Tensor[] {
  const list = Array.isArray(x) ? x : [x];
  if (list.length !== inputs.length || !list.every((t) => t instanceof Tensor)) {
    throw new InvalidArgumentError(
      `${fn}: x must be ${inputs.length === 1 ? 'a tensor' : `a list of ${inputs.length} tensors`}, received ${list.map((t) => (t instanceof Tensor ? `a tensor of shape ${formatShape(t.shape)}` : String(t))).join(', ') || 'nothing'}.`,
    );
  }
  const tensors = list as Tensor[];
  tensors.forEach((t, i) => {
    const want = inputs[i].shape;
    const ok = t.rank === want.length && want.every((d, k) => d === null || d === t.shape[k]);
    if (!ok) {
      const name = inputs.length === 1 ? 'x' : `x[${i}]`;
      throw new ShapeError(`${fn}: ${name} must have shape ${formatSymbolicShape(want)} (input '${inputs[i].sourceLayer.name}'), received ${formatShape(t.shape)}.`);
    }
  });
  checkSameBatch(fn, tensors, null);
  return tensors;
}

/** All of x (and y) hold the same number of samples. */
export function checkSameBatch(fn: string, xs: Tensor[], y: Tensor | null): number {
  const n = xs[0].shape[0];
  for (const t of xs) {
    if (t.shape[0] !== n) throw new ShapeError(`${fn}: every input must hold the same number of samples ${n}, received ${formatShape(t.shape)}.`);
  }
  if (y !== null && (!(y instanceof Tensor) || y.shape[0] !== n)) {
    throw new ShapeError(`${fn}: y must be a tensor with ${n} samples (one per x sample), received ${y instanceof Tensor ? formatShape(y.shape) : String(y)}.`);
  }
  if (n === 0) throw new ShapeError(`${fn}: x must hold at least one sample, received 0.`);
  return n;
}

export function checkBatchSize(fn: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new InvalidArgumentError(`${fn}: batchSize must be a positive integer, received ${String(v)}.`);
  }
  return v;
}
