import { makeTensor, outputFloat32, type MatMulOptions, type Tensor } from '@batchwise/core';

/*
 * Blocked GEMM on Float32Array, after Goto & van de Geijn, "Anatomy of
 * High-Performance Matrix Multiplication" (2008): B is packed into KC x NC
 * blocks of 4-column micro-panels, A into MC x KC blocks of 3-row micro-panels,
 * and a 3x4 register tile with 12 local accumulators walks the shared K.
 * x64 V8 allocates doubles to 16 XMM registers: 12 accumulators + 3 A values
 * + 1 B value fit, while a 4x4 tile spills; 3x4 was the fastest tile measured
 * (docs/backend-cpu/design.md). Panels are float64 so the micro-kernel loads
 * need no conversion.
 */

/**
 * Register tile (mr x nr) and cache blocks of the GEMM. kc: K depth of a packed
 * block, so a 4-column B micro-panel (kc*nr*8 = 8 KiB) stays in L1; mc: rows of
 * A per block, a multiple of mr (mc*kc*8 = 192 KiB, in L2); nc: columns of B
 * per block (kc*nc*8 = 1 MiB).
 */
export const GEMM_BLOCKING = Object.freeze({ mr: 3, nr: 4, kc: 256, mc: 96, nc: 512 });

// Literal copies for the loops: V8 folds module-level literal constants.
const MR = 3;
const NR = 4;
const KC = 256;
const MC = 96;
const NC = 512;

/** Scratch panels; reuse one across the GEMMs of a call (a conv runs one per column chunk). */
export interface GemmWorkspace {
  packA: Float64Array;
  packB: Float64Array;
  tile: Float64Array;
}

const roundUp = (v: number, step: number): number => Math.ceil(v / step) * step;

/**
 * Scratch for GEMMs up to m x n x k (the full 96x256 and 256x512 blocks when
 * omitted). Sizing to the problem matters for small products: zeroing 1.2 MiB
 * of full-size panels costs ten times a 60x100x10 product.
 */
export function createGemmWorkspace(m: number = MC, n: number = NC, k: number = KC): GemmWorkspace {
  const need = panelSizes(m, n, k);
  return { packA: new Float64Array(need.a), packB: new Float64Array(need.b), tile: new Float64Array(MR * NR) };
}

/** Grows ws in place if a GEMM of m x n x k needs larger panels. */
function ensureCapacity(ws: GemmWorkspace, m: number, n: number, k: number): void {
  const need = panelSizes(m, n, k);
  if (ws.packA.length < need.a) ws.packA = new Float64Array(need.a);
  if (ws.packB.length < need.b) ws.packB = new Float64Array(need.b);
}

/** Elements of the A and B panels a GEMM of m x n x k packs at once. */
function panelSizes(m: number, n: number, k: number): { a: number; b: number } {
  const kc = Math.min(KC, k);
  return { a: Math.min(MC, roundUp(m, MR)) * kc, b: kc * Math.min(NC, roundUp(n, NR)) };
}

/** Arguments of `gemm`: C[m,n] (+)= op(A)[m,k] · op(B)[k,n], every matrix dense row-major. */
export interface GemmArgs {
  m: number;
  n: number;
  k: number;
  /** [m,k], or [k,m] when transposeA. */
  a: Float32Array;
  aOffset?: number;
  transposeA?: boolean;
  /** [k,n], or [n,k] when transposeB. */
  b: Float32Array;
  bOffset?: number;
  transposeB?: boolean;
  c: Float32Array;
  cOffset?: number;
  /** Add the product into C instead of overwriting it. Default false. */
  accumulate?: boolean;
}

/** C = op(A)·op(B), or C += op(A)·op(B) with `accumulate`. */
export function gemm(args: GemmArgs, ws?: GemmWorkspace): void {
  const { m, n, k, a, b, c } = args;
  const aOff = args.aOffset ?? 0;
  const bOff = args.bOffset ?? 0;
  const cOff = args.cOffset ?? 0;
  const transA = args.transposeA ?? false;
  const transB = args.transposeB ?? false;
  if (!args.accumulate) c.fill(0, cOff, cOff + m * n);
  if (m === 0 || n === 0 || k === 0) return;
  const work = ws ?? createGemmWorkspace(m, n, k);
  ensureCapacity(work, m, n, k);
  const { packA, packB, tile } = work;
  for (let j0 = 0; j0 < n; j0 += NC) {
    const nc = Math.min(NC, n - j0);
    for (let p0 = 0; p0 < k; p0 += KC) {
      const kc = Math.min(KC, k - p0);
      packPanelsB(b, bOff, transB, k, n, p0, kc, j0, nc, packB);
      for (let i0 = 0; i0 < m; i0 += MC) {
        const mc = Math.min(MC, m - i0);
        packPanelsA(a, aOff, transA, m, k, i0, mc, p0, kc, packA);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = Math.min(NR, nc - jr);
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = Math.min(MR, mc - ir);
            const cAt = cOff + (i0 + ir) * n + j0 + jr;
            microKernel(kc, packA, ir * kc, packB, jr * kc, c, cAt, n, mr, nr, tile);
          }
        }
      }
    }
  }
}

/** Packs rows i0..i0+mc, depth p0..p0+kc of op(A) as [mc/MR][kc][MR], zero-padding the last panel. */
function packPanelsA(
  a: Float32Array, aOff: number, trans: boolean, m: number, k: number,
  i0: number, mc: number, p0: number, kc: number, out: Float64Array,
): void {
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = Math.min(MR, mc - ir);
    let o = ir * kc;
    if (!trans && rows === MR) {
      const r0 = aOff + (i0 + ir) * k + p0;
      const r1 = r0 + k;
      const r2 = r1 + k;
      for (let p = 0; p < kc; p++, o += MR) {
        out[o] = a[r0 + p];
        out[o + 1] = a[r1 + p];
        out[o + 2] = a[r2 + p];
      }
    } else if (trans && rows === MR) {
      let at = aOff + p0 * m + i0 + ir;
      for (let p = 0; p < kc; p++, o += MR, at += m) {
        out[o] = a[at];
        out[o + 1] = a[at + 1];
        out[o + 2] = a[at + 2];
      }
    } else {
      for (let p = 0; p < kc; p++, o += MR) {
        for (let q = 0; q < MR; q++) {
          const i = i0 + ir + q;
          // op(A)[i][p] sits at a[i*k+p], or at a[p*m+i] when A is stored transposed.
          out[o + q] = q >= rows ? 0 : trans ? a[aOff + (p0 + p) * m + i] : a[aOff + i * k + p0 + p];
        }
      }
    }
  }
}

/** Packs depth p0..p0+kc, columns j0..j0+nc of op(B) as [nc/NR][kc][NR], zero-padding the last panel. */
function packPanelsB(
  b: Float32Array, bOff: number, trans: boolean, k: number, n: number,
  p0: number, kc: number, j0: number, nc: number, out: Float64Array,
): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = Math.min(NR, nc - jr);
    let o = jr * kc;
    if (!trans && cols === NR) {
      let at = bOff + p0 * n + j0 + jr;
      for (let p = 0; p < kc; p++, o += NR, at += n) {
        out[o] = b[at];
        out[o + 1] = b[at + 1];
        out[o + 2] = b[at + 2];
        out[o + 3] = b[at + 3];
      }
    } else if (trans && cols === NR) {
      const r0 = bOff + (j0 + jr) * k + p0;
      const r1 = r0 + k;
      const r2 = r1 + k;
      const r3 = r2 + k;
      for (let p = 0; p < kc; p++, o += NR) {
        out[o] = b[r0 + p];
        out[o + 1] = b[r1 + p];
        out[o + 2] = b[r2 + p];
        out[o + 3] = b[r3 + p];
      }
    } else {
      for (let p = 0; p < kc; p++, o += NR) {
        for (let q = 0; q < NR; q++) {
          const j = j0 + jr + q;
          out[o + q] = q >= cols ? 0 : trans ? b[bOff + j * k + p0 + p] : b[bOff + (p0 + p) * n + j];
        }
      }
    }
  }
}

/** C[mr,nr] += Apanel · Bpanel over kc; a full tile stores directly, an edge tile through `tile`. */
function microKernel(
  kc: number, pa: Float64Array, ia: number, pb: Float64Array, ib: number,
  c: Float32Array, cAt: number, ldc: number, mr: number, nr: number, tile: Float64Array,
): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  for (let p = 0; p < kc; p++, ia += MR, ib += NR) {
    const a0 = pa[ia], a1 = pa[ia + 1], a2 = pa[ia + 2];
    let bj = pb[ib];
    c00 += a0 * bj; c10 += a1 * bj; c20 += a2 * bj;
    bj = pb[ib + 1];
    c01 += a0 * bj; c11 += a1 * bj; c21 += a2 * bj;
    bj = pb[ib + 2];
    c02 += a0 * bj; c12 += a1 * bj; c22 += a2 * bj;
    bj = pb[ib + 3];
    c03 += a0 * bj; c13 += a1 * bj; c23 += a2 * bj;
  }
  if (mr === MR && nr === NR) {
    let o = cAt;
    c[o] += c00; c[o + 1] += c01; c[o + 2] += c02; c[o + 3] += c03;
    o += ldc;
    c[o] += c10; c[o + 1] += c11; c[o + 2] += c12; c[o + 3] += c13;
    o += ldc;
    c[o] += c20; c[o + 1] += c21; c[o + 2] += c22; c[o + 3] += c23;
    return;
  }
  tile[0] = c00; tile[1] = c01; tile[2] = c02; tile[3] = c03;
  tile[4] = c10; tile[5] = c11; tile[6] = c12; tile[7] = c13;
  tile[8] = c20; tile[9] = c21; tile[10] = c22; tile[11] = c23;
  for (let i = 0; i < mr; i++) {
    for (let j = 0; j < nr; j++) c[cAt + i * ldc + j] += tile[i * NR + j];
  }
}

/** The `matMul` kernel: a is [m,k] (or [k,m] with transposeA), b is [k,n] (or [n,k] with transposeB). */
export function matMul(a: Tensor, b: Tensor, options: MatMulOptions = {}): Tensor {
  const transposeA = options.transposeA ?? false;
  const transposeB = options.transposeB ?? false;
  const m = transposeA ? a.shape[1] : a.shape[0];
  const k = transposeA ? a.shape[0] : a.shape[1];
  const n = transposeB ? b.shape[0] : b.shape[1];
  const c = outputFloat32(m * n);
  gemm({ m, n, k, a: a.data, transposeA, b: b.data, transposeB, c });
  return makeTensor(c, [m, n]);
}
