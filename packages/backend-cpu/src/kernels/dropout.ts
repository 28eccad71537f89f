import { dropoutKey, dropoutUniform, makeTensor, outputFloat32, type DropoutOptions, type DropoutResult, type Tensor } from '@batchwise/core';

/*
 * Inverted dropout (Srivastava et al. 2014, as Keras): kept units are scaled
 * by 1/(1-rate) at training time so inference is the identity. Unit i is
 * dropped when core's counter-based dropoutUniform(key, i) is below rate: the
 * mask is part of the Backend contract, so every backend gives the same one.
 */

/** Fills mask with 0 or 1/(1-rate) as core's dropout-mask contract says. */
export function dropoutMaskImpl(rate: number, seed: number, mask: Float32Array): void {
  const key = dropoutKey(seed);
  const keep = 1 / (1 - rate);
  for (let i = 0; i < mask.length; i++) mask[i] = dropoutUniform(key, i) < rate ? 0 : keep;
}

/** out[i] = a[i] * mask[i]: applying the mask forward and backward alike. */
export function applyMaskImpl(a: Float32Array, mask: Float32Array, out: Float32Array): void {
  for (let i = 0; i < a.length; i++) out[i] = a[i] * mask[i];
}

/** The `dropout` kernel: y = x * mask, with the mask returned for backward. */
export function dropout(x: Tensor, options: DropoutOptions): DropoutResult {
  const mask = outputFloat32(x.size);
  dropoutMaskImpl(options.rate, options.seed, mask);
  const y = outputFloat32(x.size);
  applyMaskImpl(x.data, mask, y);
  return { y: makeTensor(y, x.shape), mask: makeTensor(mask, x.shape) };
}

/** The `dropoutBackward` kernel: dx = dy * mask. */
export function dropoutBackward(dy: Tensor, mask: Tensor): Tensor {
  const dx = outputFloat32(dy.size);
  applyMaskImpl(dy.data, mask.data, dx);
  return makeTensor(dx, dy.shape);
}
