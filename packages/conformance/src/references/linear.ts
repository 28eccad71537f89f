import { array64, sizeOfShape, stridesOfShape, type Array64 } from './array64.js';

/** C = op(A) op(B), with op a transpose when asked; float64 accumulation. */
export function refMatMul(a: Array64, b: Array64, transposeA = false, transposeB = false): Array64 {
  const m = transposeA ? a.shape[1] : a.shape[0];
  const k = transposeA ? a.shape[0] : a.shape[1];
  const n = transposeB ? b.shape[0] : b.shape[1];
  const out = array64([m, n]);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        const av = transposeA ? a.data[p * m + i] : a.data[i * k + p];
        const bv = transposeB ? b.data[j * k + p] : b.data[p * n + j];
        s += av * bv;
      }
      out.data[i * n + j] = s;
    }
  }
  return out;
}

/** out.shape[i] = x.shape[perm[i]]. */
export function refTranspose(x: Array64, perm: readonly number[]): Array64 {
  const outShape = perm.map((p) => x.shape[p]);
  const out = array64(outShape);
  const inStrides = stridesOfShape(x.shape);
  const rank = outShape.length;
  const idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < sizeOfShape(outShape); o++) {
    let src = 0;
    for (let i = 0; i < rank; i++) src += idx[i] * inStrides[perm[i]];
    out.data[o] = x.data[src];
    for (let i = rank - 1; i >= 0; i--) {
      if (++idx[i] < outShape[i]) break;
      idx[i] = 0;
    }
  }
  return out;
}
