import type { Conv2DGeometry } from '@batchwise/core';
import { createGemmWorkspace, gemm } from './matmul.js';
import { inputTile, outputGradTile, outputTile, winogradFilterGradTransform } from './winograd-transforms.js';

/*
 * Winograd F(2x2, 3x3) convolution (Lavin & Gray, "Fast Algorithms for
 * Convolutional Neural Networks", 2016, section 4.1) for 3x3 filters with unit
 * stride and dilation. Each 4x4 input tile d gives a 2x2 output tile
 *   Y = A^T [ (G g G^T) .* (B^T d B) ] A,
 * 16 multiplies per tile and channel pair instead of 36. Over channels the
 * elementwise product becomes 16 independent GEMMs, one per transform
 * position xi: M_xi[tiles, out] = V_xi[tiles, in] · U_xi[in, out], run on the
 * blocked GEMM, about 1.8x faster than im2col + GEMM on 32 -> 64 channels
 * (docs/backend-cpu/design.md). The transforms only add, subtract and halve, so the error
 * stays at the level of the direct sum (3e-6 to 8e-6 over 288 to 1152 terms).
 * Backprop filter is the adjoint: dU_xi = V_xi^T · dM_xi summed over tiles,
 * with dM = A dY A^T, then dW = G^T dU G (transforms in winograd-transforms.ts).
 */

/** One Winograd convolution: NHWC input [batch, inH, inW, inC] to output [batch, outH, outW, outC], stride 1, 3x3. */
export type WinogradShape = Pick<
  Conv2DGeometry,
  'batch' | 'inHeight' | 'inWidth' | 'inChannels' | 'outHeight' | 'outWidth' | 'outChannels' | 'padTop' | 'padLeft'
>;

/** Transformed-tile elements per chunk (V plus M stay within a few MiB). */
const CHUNK_ELEMENTS = 1 << 18;

/**
 * Fewest tiles per chunk, whatever the channel count: the GEMMs repack U_xi
 * for every chunk, which a chunk of 128 rows amortizes.
 */
const MIN_CHUNK_TILES = 128;

/** Tiles of 2x2 outputs and how many go in one chunk. */
function tiling(s: WinogradShape): { tilesH: number; tilesW: number; tiles: number; chunk: number } {
  const tilesH = Math.ceil(s.outHeight / 2);
  const tilesW = Math.ceil(s.outWidth / 2);
  const tiles = s.batch * tilesH * tilesW;
  const byMemory = Math.floor(CHUNK_ELEMENTS / (16 * Math.max(s.inChannels, s.outChannels)));
  const chunk = Math.min(tiles, Math.max(MIN_CHUNK_TILES, byMemory));
  return { tilesH, tilesW, tiles, chunk };
}

/** Calls visit(ti, b, ty, tx) for tiles t0..t0+tn, stepping (b, ty, tx) as an odometer. */
function forEachTile(
  t0: number, tn: number, tilesH: number, tilesW: number,
  visit: (ti: number, b: number, ty: number, tx: number) => void,
): void {
  let b = Math.floor(t0 / (tilesH * tilesW));
  let ty = Math.floor(t0 / tilesW) % tilesH;
  let tx = t0 % tilesW;
  for (let ti = 0; ti < tn; ti++) {
    visit(ti, b, ty, tx);
    if (++tx === tilesW) {
      tx = 0;
      if (++ty === tilesH) {
        ty = 0;
        b++;
      }
    }
  }
}

/** Writes V = B^T d B of tiles t0..t0+tn into v ([16][tn][inC]); border tiles go through a zero-padded patch. */
function transformInputs(x: Float32Array, s: WinogradShape, t0: number, tn: number, v: Float32Array, patch: Float32Array): void {
  const { inHeight: H, inWidth: W, inChannels: C } = s;
  const { tilesH, tilesW } = tiling(s);
  const rowStride = W * C;
  forEachTile(t0, tn, tilesH, tilesW, (ti, b, ty, tx) => {
    const iy0 = ty * 2 - s.padTop;
    const ix0 = tx * 2 - s.padLeft;
    const image = b * H * rowStride;
    if (iy0 >= 0 && ix0 >= 0 && iy0 + 4 <= H && ix0 + 4 <= W) {
      inputTile(x, image + iy0 * rowStride + ix0 * C, rowStride, C, v, ti * C, tn * C);
      return;
    }
    patch.fill(0);
    for (let i = Math.max(0, -iy0); i < 4 && iy0 + i < H; i++) {
      for (let j = Math.max(0, -ix0); j < 4 && ix0 + j < W; j++) {
        const from = image + (iy0 + i) * rowStride + (ix0 + j) * C;
        const to = (i * 4 + j) * C;
        for (let c = 0; c < C; c++) patch[to + c] = x[from + c];
      }
    }
    inputTile(patch, 0, 4 * C, C, v, ti * C, tn * C);
  });
}

/**
 * y = conv(x, U) for filters already transformed by `winogradFilterTransform`
 * ([16][inC][outC]). y ([batch, outH, outW, outC]) is overwritten.
 */
export function winogradConv(x: Float32Array, u: Float32Array, s: WinogradShape, y: Float32Array): void {
  const { inChannels: C, outHeight: OH, outWidth: OW, outChannels: F } = s;
  const { tilesH, tilesW, tiles, chunk } = tiling(s);
  const v = new Float32Array(16 * chunk * C);
  const m = new Float32Array(16 * chunk * F);
  const patch = new Float32Array(16 * C);
  const ws = createGemmWorkspace(chunk, F, C);
  for (let t0 = 0; t0 < tiles; t0 += chunk) {
    const tn = Math.min(chunk, tiles - t0);
    transformInputs(x, s, t0, tn, v, patch);
    for (let xi = 0; xi < 16; xi++) {
      gemm({ m: tn, n: F, k: C, a: v, aOffset: xi * tn * C, b: u, bOffset: xi * C * F, c: m, cOffset: xi * tn * F }, ws);
    }
    forEachTile(t0, tn, tilesH, tilesW, (ti, b, ty, tx) => {
      const yAt = ((b * OH + ty * 2) * OW + tx * 2) * F;
      outputTile(m, ti * F, tn * F, F, y, yAt, OW * F, Math.min(2, OH - ty * 2), Math.min(2, OW - tx * 2));
    });
  }
}

/**
 * dW of the conv `s` (x [batch, inH, inW, inC], dy [batch, outH, outW, outC])
 * as the adjoint of `winogradConv`: dU_xi = sum over tiles of V_xi^T · dM_xi,
 * then dW = G^T dU G. dw (HWIO [3, 3, inC, outC]) is overwritten.
 */
export function winogradConvBackpropFilter(x: Float32Array, dy: Float32Array, s: WinogradShape, dw: Float32Array): void {
  const { inChannels: C, outHeight: OH, outWidth: OW, outChannels: F } = s;
  const { tilesH, tilesW, tiles, chunk } = tiling(s);
  const v = new Float32Array(16 * chunk * C);
  const dm = new Float32Array(16 * chunk * F);
  const du = new Float32Array(16 * C * F);
  const patch = new Float32Array(16 * C);
  const ws = createGemmWorkspace(C, F, chunk);
  for (let t0 = 0; t0 < tiles; t0 += chunk) {
    const tn = Math.min(chunk, tiles - t0);
    transformInputs(x, s, t0, tn, v, patch);
    forEachTile(t0, tn, tilesH, tilesW, (ti, b, ty, tx) => {
      const yAt = ((b * OH + ty * 2) * OW + tx * 2) * F;
      outputGradTile(dy, yAt, OW * F, F, Math.min(2, OH - ty * 2), Math.min(2, OW - tx * 2), dm, ti * F, tn * F);
    });
    for (let xi = 0; xi < 16; xi++) {
      gemm({
        m: C, n: F, k: tn, a: v, aOffset: xi * tn * C, transposeA: true,
        b: dm, bOffset: xi * tn * F, c: du, cOffset: xi * C * F, accumulate: t0 > 0,
      }, ws);
    }
  }
  winogradFilterGradTransform(du, C, F, dw);
}
