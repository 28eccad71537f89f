import { makeTensor, outputFloat32, rowsByLastAxis, stridesOf, type ReduceOptions, type Shape, type Tensor } from '@batchwise/core';

/*
 * Reductions over any set of axes. The input is walked once in memory order;
 * each input axis maps to an output stride (0 when reduced). Adjacent axes of
 * the same kind merge, so e.g. a sum over axes [0,1,2] of NHWC becomes one
 * [rows, channels] pass, and the innermost run is a tight loop either into
 * one accumulator (reduced) or across a contiguous output row (kept).
 * Sums accumulate in float64 (STYLE section 5).
 */

/** The iteration plan of a reduction: merged input dims with their output strides. */
export interface ReducePlan {
  dims: number[];
  outStrides: number[];
  outShape: number[];
  outSize: number;
}

/** Plans reducing `shape` over `axes` (all axes when undefined; negative axes count from the end). */
export function planReduce(shape: Shape, axes: readonly number[] | undefined, keepDims: boolean): ReducePlan {
  const rank = shape.length;
  const reduced = new Array<boolean>(rank).fill(axes === undefined);
  for (const a of axes ?? []) reduced[a < 0 ? a + rank : a] = true;
  const keptShape = shape.filter((_, i) => !reduced[i]);
  const keptStrides = stridesOf(keptShape);
  const outStride: number[] = [];
  for (let i = 0, k = 0; i < rank; i++) outStride.push(reduced[i] ? 0 : keptStrides[k++]);
  const dims: number[] = [];
  const outStrides: number[] = [];
  for (let i = 0; i < rank; i++) {
    if (shape[i] === 1) continue; // contributes no iteration
    const last = dims.length - 1;
    // Merge with the previous run when both are reduced, or both kept and adjacent in the output.
    if (last >= 0 && outStrides[last] === outStride[i] * shape[i] && (outStride[i] !== 0 || outStrides[last] === 0)) {
      dims[last] *= shape[i];
      outStrides[last] = outStride[i];
    } else {
      dims.push(shape[i]);
      outStrides.push(outStride[i]);
    }
  }
  if (dims.length === 0) {
    dims.push(1);
    outStrides.push(0);
  }
  const outShape = keepDims ? shape.map((d, i) => (reduced[i] ? 1 : d)) : keptShape;
  return { dims, outStrides, outShape, outSize: keptShape.reduce((p, d) => p * d, 1) };
}

/** acc[out] += x over the plan (acc float64, zeroed by the caller). */
export function sumReduceImpl(x: Float32Array, plan: ReducePlan, acc: Float64Array): void {
  const { dims, outStrides } = plan;
  const groups = dims.length;
  const inner = dims[groups - 1];
  const innerKept = outStrides[groups - 1] !== 0;
  const idx = new Int32Array(groups);
  let o = 0;
  for (let at = 0; at < x.length; at += inner) {
    if (innerKept) {
      for (let j = 0; j < inner; j++) acc[o + j] += x[at + j];
    } else {
      let t = 0;
      for (let j = 0; j < inner; j++) t += x[at + j];
      acc[o] += t;
    }
    o = advance(idx, dims, outStrides, o);
  }
}

/** acc[out] = max over the plan; acc starts at -Infinity, and NaN wins as in Math.max. */
export function maxReduceImpl(x: Float32Array, plan: ReducePlan, acc: Float64Array): void {
  const { dims, outStrides } = plan;
  const groups = dims.length;
  const inner = dims[groups - 1];
  const innerKept = outStrides[groups - 1] !== 0;
  const idx = new Int32Array(groups);
  acc.fill(-Infinity);
  let o = 0;
  for (let at = 0; at < x.length; at += inner) {
    if (innerKept) {
      for (let j = 0; j < inner; j++) {
        const v = x[at + j];
        if (v > acc[o + j] || v !== v) acc[o + j] = v;
      }
    } else {
      let m = acc[o];
      for (let j = 0; j < inner; j++) {
        const v = x[at + j];
        if (v > m || v !== v) m = v;
      }
      acc[o] = m;
    }
    o = advance(idx, dims, outStrides, o);
  }
}

/** Steps the odometer over every group but the innermost; returns the new output offset. */
function advance(idx: Int32Array, dims: number[], outStrides: number[], o: number): number {
  for (let d = dims.length - 2; d >= 0; d--) {
    idx[d]++;
    o += outStrides[d];
    if (idx[d] < dims[d]) return o;
    o -= outStrides[d] * dims[d];
    idx[d] = 0;
  }
  return o;
}

/** Index of the first maximum of each row of length `channels`, written as float values. */
export function argMaxImpl(x: Float32Array, rows: number, channels: number, out: Float32Array): void {
  for (let r = 0, o = 0; r < rows; r++, o += channels) {
    let best = 0;
    let m = x[o];
    for (let c = 1; c < channels; c++) {
      if (x[o + c] > m) {
        m = x[o + c];
        best = c;
      }
    }
    out[r] = best;
  }
}

function reduceWith(x: Tensor, options: ReduceOptions, kind: 'sum' | 'mean' | 'max'): Tensor {
  const plan = planReduce(x.shape, options.axes, options.keepDims ?? false);
  const acc = new Float64Array(plan.outSize);
  if (kind === 'max') maxReduceImpl(x.data, plan, acc);
  else sumReduceImpl(x.data, plan, acc);
  if (kind === 'mean') {
    const count = x.size / plan.outSize;
    for (let i = 0; i < acc.length; i++) acc[i] /= count;
  }
  return makeTensor(Float32Array.from(acc), plan.outShape);
}

/** The `sum` kernel over `axes` (default all), float64 accumulation; keepDims default false. */
export const sum = (x: Tensor, options: ReduceOptions = {}): Tensor => reduceWith(x, options, 'sum');
/** The `mean` kernel over `axes` (default all): the float64 sum divided by the count. */
export const mean = (x: Tensor, options: ReduceOptions = {}): Tensor => reduceWith(x, options, 'mean');
/** The `max` kernel over `axes` (default all); NaN propagates. */
export const max = (x: Tensor, options: ReduceOptions = {}): Tensor => reduceWith(x, options, 'max');

/** The `argMax` kernel over the last axis; the output drops that axis. */
export function argMax(x: Tensor): Tensor {
  const { rows, channels } = rowsByLastAxis(x.shape);
  const out = outputFloat32(rows);
  argMaxImpl(x.data, rows, channels, out);
  return makeTensor(out, x.shape.slice(0, -1));
}
