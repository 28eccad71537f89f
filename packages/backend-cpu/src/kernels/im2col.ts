import type { Conv2DGeometry } from '@batchwise/core';

/*
 * im2col / col2im for NHWC input and HWIO filters. Output positions of the
 * whole batch are numbered r = (b*outHeight + oy)*outWidth + ox; row r of the
 * column matrix holds the receptive field of r in filter order (ky, kx, c), so
 * that `col · filter` (filter viewed as [kh*kw*inChannels, outChannels]) is the
 * convolution. Because channels are innermost in both NHWC and HWIO, each
 * (ky, kx) copies inChannels contiguous values; padded taps are zeros.
 */

/** Writes rows r0..r0+rows of the column matrix ([rows, kh*kw*inChannels]) into col. */
export function im2col(x: Float32Array, g: Conv2DGeometry, r0: number, rows: number, col: Float32Array): void {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = g;
  const { kernelHeight: KH, kernelWidth: KW, strideHeight: SH, strideWidth: SW } = g;
  const { dilationHeight: DH, dilationWidth: DW, padTop, padLeft } = g;
  let b = Math.floor(r0 / (OH * OW));
  let oy = Math.floor(r0 / OW) % OH;
  let ox = r0 % OW;
  let o = 0;
  for (let r = 0; r < rows; r++) {
    const image = b * H * W * C;
    const iy0 = oy * SH - padTop;
    const ix0 = ox * SW - padLeft;
    for (let ky = 0; ky < KH; ky++) {
      const iy = iy0 + ky * DH;
      if (iy < 0 || iy >= H) {
        col.fill(0, o, o + KW * C);
        o += KW * C;
        continue;
      }
      const rowBase = image + iy * W * C;
      for (let kx = 0; kx < KW; kx++) {
        const ix = ix0 + kx * DW;
        if (ix < 0 || ix >= W) {
          col.fill(0, o, o + C);
        } else if (C === 1) {
          col[o] = x[rowBase + ix];
        } else {
          const from = rowBase + ix * C;
          for (let c = 0; c < C; c++) col[o + c] = x[from + c];
        }
        o += C;
      }
    }
    // Advance (b, oy, ox) as an odometer instead of dividing per row.
    if (++ox === OW) {
      ox = 0;
      if (++oy === OH) {
        oy = 0;
        b++;
      }
    }
  }
}

/** Adds rows r0..r0+rows of a column-matrix gradient back into dx (the adjoint of im2col). */
export function col2im(dcol: Float32Array, g: Conv2DGeometry, r0: number, rows: number, dx: Float32Array): void {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = g;
  const { kernelHeight: KH, kernelWidth: KW, strideHeight: SH, strideWidth: SW } = g;
  const { dilationHeight: DH, dilationWidth: DW, padTop, padLeft } = g;
  let b = Math.floor(r0 / (OH * OW));
  let oy = Math.floor(r0 / OW) % OH;
  let ox = r0 % OW;
  let o = 0;
  for (let r = 0; r < rows; r++) {
    const image = b * H * W * C;
    const iy0 = oy * SH - padTop;
    const ix0 = ox * SW - padLeft;
    for (let ky = 0; ky < KH; ky++) {
      const iy = iy0 + ky * DH;
      if (iy < 0 || iy >= H) {
        o += KW * C;
        continue;
      }
      const rowBase = image + iy * W * C;
      for (let kx = 0; kx < KW; kx++) {
        const ix = ix0 + kx * DW;
        if (ix >= 0 && ix < W) {
          const to = rowBase + ix * C;
          for (let c = 0; c < C; c++) dx[to + c] += dcol[o + c];
        }
        o += C;
      }
    }
    if (++ox === OW) {
      ox = 0;
      if (++oy === OH) {
        oy = 0;
        b++;
      }
    }
  }
}
