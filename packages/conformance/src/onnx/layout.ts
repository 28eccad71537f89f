import { Tensor } from '@batchwise/core';
import { array64, refTranspose, type Array64 } from '../references/index.js';
import type { OnnxTensor } from '@batchwise/onnx-codec';

/*
 * ONNX tensors are channels-first (NCHW, OIHW filters); batchwise is NHWC with
 * HWIO filters. The harness moves data between the two with the reference
 * transpose, so the backend under test only runs the kernel of interest.
 */

export const asArray = (t: OnnxTensor): Array64 => array64(t.dims, t.values);

export const asTensor = (a: Array64): Tensor => new Tensor(Float32Array.from(a.data), a.shape);

/** Channels-first [N, C, d1..dk] to channels-last [N, d1..dk, C]. */
export function toChannelsLast(t: OnnxTensor): Array64 {
  const rank = t.dims.length;
  const perm = [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1];
  return refTranspose(asArray(t), perm);
}

/** ONNX conv weights [O, I, kh, kw] to HWIO [kh, kw, I, O]. */
export function filterToHwio(t: OnnxTensor): Array64 {
  return refTranspose(asArray(t), [2, 3, 1, 0]);
}
