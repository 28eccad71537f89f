import { makeTensor, outputFloat32, stridesOf, type Shape, type Tensor } from '@batchwise/core';

/*
 * Transpose by a permutation. Input axes that stay adjacent and in order
 * under the permutation merge first (NHWC -> NCHW becomes a batched 2-D
 * transpose [N, HW, C] -> [N, C, HW]). A 2-D transpose (per batch) runs in
 * 32x32 tiles so both the reads and the writes stay within a few cache lines;
 * other cases walk the output in order with an odometer over input strides.
 */

const TILE = 32;

/** Merged form of a transpose: input dims and, in output order, which input dim each output dim is. */
export function planTranspose(shape: Shape, perm: readonly number[]): { dims: number[]; perm: number[] } {
  // Size-1 axes do not affect memory order: drop them, renumbering the rest in input order.
  const renumber = new Array<number>(shape.length).fill(-1);
  const sizes: number[] = [];
  shape.forEach((d, i) => {
    if (d !== 1) renumber[i] = sizes.push(d) - 1;
  });
  const runs: number[][] = [];
  for (const axis of perm.map((a) => renumber[a]).filter((a) => a >= 0)) {
    const last = runs[runs.length - 1];
    if (last && last[last.length - 1] + 1 === axis) last.push(axis);
    else runs.push([axis]);
  }
  // Input order of the runs gives the merged input dims.
  const byInput = runs.map((run, outPos) => ({ run, outPos })).sort((p, q) => p.run[0] - q.run[0]);
  const dims = byInput.map(({ run }) => run.reduce((p, a) => p * sizes[a], 1));
  const inIndexOfRun = new Array<number>(runs.length);
  byInput.forEach(({ outPos }, i) => (inIndexOfRun[outPos] = i));
  return { dims, perm: inIndexOfRun };
}

/** out[rows x cols -> cols x rows] for `batch` consecutive matrices, in tiles. */
export function transpose2dImpl(x: Float32Array, batch: number, rows: number, cols: number, out: Float32Array): void {
  const plane = rows * cols;
  for (let b = 0; b < batch; b++) {
    const base = b * plane;
    for (let r0 = 0; r0 < rows; r0 += TILE) {
      const r1 = Math.min(r0 + TILE, rows);
      for (let c0 = 0; c0 < cols; c0 += TILE) {
        const c1 = Math.min(c0 + TILE, cols);
        for (let r = r0; r < r1; r++) {
          const from = base + r * cols;
          for (let c = c0; c < c1; c++) out[base + c * rows + r] = x[from + c];
        }
      }
    }
  }
}

/** General transpose of x (merged dims `dims`) into out, walking out in order. */
export function transposeImpl(x: Float32Array, dims: number[], perm: number[], out: Float32Array): void {
  const rank = dims.length;
  if (rank <= 1) {
    out.set(x);
    return;
  }
  if (rank === 2 || (rank === 3 && perm[0] === 0 && perm[1] === 2 && perm[2] === 1)) {
    const batch = rank === 3 ? dims[0] : 1;
    transpose2dImpl(x, batch, dims[rank - 2], dims[rank - 1], out);
    return;
  }
  const inStrides = stridesOf(dims);
  const outDims = perm.map((p) => dims[p]);
  const strides = perm.map((p) => inStrides[p]);
  const inner = outDims[rank - 1];
  const innerStride = strides[rank - 1];
  const idx = new Int32Array(rank);
  let at = 0;
  for (let o = 0; o < out.length; o += inner) {
    for (let j = 0, a = at; j < inner; j++, a += innerStride) out[o + j] = x[a];
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]++;
      at += strides[d];
      if (idx[d] < outDims[d]) break;
      at -= strides[d] * outDims[d];
      idx[d] = 0;
    }
  }
}

/** The `transpose` kernel: out.shape[i] = x.shape[perm[i]]. */
export function transpose(x: Tensor, perm: readonly number[]): Tensor {
  const outShape = perm.map((p) => x.shape[p]);
  const out = outputFloat32(x.size);
  if (x.size > 0) {
    const plan = planTranspose(x.shape, perm);
    transposeImpl(x.data, plan.dims, plan.perm, out);
  }
  return makeTensor(out, outShape);
}
