/*
 * Weight layouts between channels-first frameworks (PyTorch, ONNX) and
 * batchwise's TensorFlow.js layouts. Pure index permutations: exact.
 *
 *   Linear / Gemm(transB=1) weight [out, in]    <->  Dense kernel [in, out]
 *   Conv2d weight [out, in, kh, kw] (OIHW)      <->  Conv2D kernel [kh, kw, in, out] (HWIO)
 *   Flatten of NCHW: feature c*H*W + h*W + w    <->  Flatten of NHWC: h*W*C + w*C + c
 *
 * The last matters for the first Dense after a Flatten of feature maps: its
 * kernel rows must be reordered, or the model silently computes something else.
 */

/** [rows, cols] -> [cols, rows]. */
export function transpose2d(w: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = w[r * cols + c];
  return out;
}

/** [o, i, kh, kw] -> [kh, kw, i, o]. */
export function oihwToHwio(w: Float32Array, [o, i, kh, kw]: readonly number[]): Float32Array {
  const out = new Float32Array(w.length);
  for (let a = 0; a < o; a++) for (let b = 0; b < i; b++) for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) {
    out[((y * kw + x) * i + b) * o + a] = w[((a * i + b) * kh + y) * kw + x];
  }
  return out;
}

/** [kh, kw, i, o] -> [o, i, kh, kw]. */
export function hwioToOihw(w: Float32Array, [kh, kw, i, o]: readonly number[]): Float32Array {
  const out = new Float32Array(w.length);
  for (let a = 0; a < o; a++) for (let b = 0; b < i; b++) for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) {
    out[((a * i + b) * kh + y) * kw + x] = w[((y * kw + x) * i + b) * o + a];
  }
  return out;
}

/**
 * Reorders the rows of a Dense kernel [H*W*C, units] that follows a Flatten: `toNhwc` maps rows in
 * NCHW flatten order to NHWC order, otherwise the reverse.
 */
export function reorderFlattenRows(kernel: Float32Array, [h, w, c]: readonly number[], units: number, toNhwc: boolean): Float32Array {
  const out = new Float32Array(kernel.length);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let ch = 0; ch < c; ch++) {
    const nhwc = (y * w + x) * c + ch;
    const nchw = (ch * h + y) * w + x;
    const [from, to] = toNhwc ? [nchw, nhwc] : [nhwc, nchw];
    out.set(kernel.subarray(from * units, (from + 1) * units), to * units);
  }
  return out;
}
