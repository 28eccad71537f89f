import { conv2dGeometry, makeTensor, outputFloat32, sizeOf, type Conv2DGeometry, type Conv2DOptions, type Shape, type Tensor } from '@batchwise/core';
import { col2im, im2col } from './im2col.js';
import { createGemmWorkspace, gemm, type GemmWorkspace } from './matmul.js';
import { winogradFilterTransform } from './winograd-transforms.js';
import { winogradConv, winogradConvBackpropFilter } from './winograd.js';

/*
 * Convolution as GEMM over im2col (NHWC input, HWIO filter viewed as a
 * [kh*kw*inChannels, outChannels] matrix W):
 *   forward          y[rows, out]   = col[rows, K] · W[K, out]
 *   backprop filter  dW[K, out]    += col^T · dy, summed over row chunks
 *   backprop input   dcol[rows, K]  = dy · W^T, then col2im adds it into dx
 * Rows are the output positions of the whole batch, processed in chunks so
 * the column buffer stays near L2-sized instead of growing with the batch.
 * A 1x1, stride-1, unpadded conv needs no im2col: x already is col. A 3x3
 * conv with unit stride and dilation and at least WINOGRAD_MIN_CHANNELS in
 * and out runs as Winograd F(2x2, 3x3) instead (winograd.ts), in all three
 * kernels.
 */

/** Elements of one column-buffer chunk (1 MiB of float32); 1<<16 to 1<<20 measured alike, this bounds memory. */
export const COL_CHUNK_ELEMENTS = 1 << 18;

/**
 * Fewest in and out channels for Winograd: with fewer, the transforms cost more
 * than the multiplies they save and im2col is as fast or faster (measured in
 * docs/backend-cpu/design.md).
 */
export const WINOGRAD_MIN_CHANNELS = 8;

/** True for 3x3 windows with unit strides and dilations between layers of enough channels. */
function winogradApplies(g: Conv2DGeometry): boolean {
  return (
    g.kernelHeight === 3 && g.kernelWidth === 3 && g.strideHeight === 1 && g.strideWidth === 1 &&
    g.dilationHeight === 1 && g.dilationWidth === 1 &&
    g.inChannels >= WINOGRAD_MIN_CHANNELS && g.outChannels >= WINOGRAD_MIN_CHANNELS
  );
}

/** A conv seen as GEMMs: output positions x filter depth x out channels, with its chunking. */
interface GemmView {
  /** Output positions of the whole batch: rows of the column matrix. */
  rows: number;
  /** kh * kw * inChannels: columns of the column matrix, rows of W. */
  depth: number;
  outChannels: number;
  /** Column-matrix rows per chunk. */
  chunk: number;
  /** 1x1 window, unit strides, no padding: the column matrix is x itself. */
  pointwise: boolean;
  ws: GemmWorkspace;
}

function gemmView(g: Conv2DGeometry): GemmView {
  const depth = g.kernelHeight * g.kernelWidth * g.inChannels;
  return {
    rows: g.batch * g.outHeight * g.outWidth,
    depth,
    outChannels: g.outChannels,
    chunk: Math.max(1, Math.floor(COL_CHUNK_ELEMENTS / depth)),
    pointwise:
      g.kernelHeight === 1 && g.kernelWidth === 1 && g.strideHeight === 1 && g.strideWidth === 1 &&
      g.padTop === 0 && g.padLeft === 0 && g.padBottom === 0 && g.padRight === 0,
    ws: createGemmWorkspace(0, 0, 0), // grows to what the first GEMM needs, then is reused
  };
}

/** Calls visit(r0, rows, col) per chunk of column-matrix rows, with one scratch buffer for all. */
function forEachChunk(v: GemmView, visit: (r0: number, rows: number, col: Float32Array) => void): void {
  const col = new Float32Array(Math.min(v.chunk, v.rows) * v.depth);
  for (let r0 = 0; r0 < v.rows; r0 += v.chunk) visit(r0, Math.min(v.chunk, v.rows - r0), col);
}

/** y = conv2d(x, filter) on raw NHWC / HWIO data; y has g.batch*outHeight*outWidth*outChannels elements. */
export function conv2dImpl(x: Float32Array, filter: Float32Array, g: Conv2DGeometry, y: Float32Array): void {
  if (winogradApplies(g)) {
    const u = new Float32Array(16 * g.inChannels * g.outChannels);
    winogradFilterTransform(filter, g.inChannels, g.outChannels, false, u);
    winogradConv(x, u, g, y);
    return;
  }
  const v = gemmView(g);
  const { depth: k, outChannels: n, ws } = v;
  if (v.pointwise) {
    gemm({ m: v.rows, n, k, a: x, b: filter, c: y }, ws);
    return;
  }
  forEachChunk(v, (r0, rows, col) => {
    im2col(x, g, r0, rows, col);
    gemm({ m: rows, n, k, a: col, b: filter, c: y, cOffset: r0 * n }, ws);
  });
}

/** dx of conv2d on raw data: dy · W^T per chunk, scattered back by col2im. dx is overwritten. */
export function conv2dBackpropInputImpl(dy: Float32Array, filter: Float32Array, g: Conv2DGeometry, dx: Float32Array): void {
  if (winogradApplies(g)) {
    // dx is dy correlated with the filter rotated 180 degrees (in and out
    // swapped): output row iy reads dy rows iy - (2 - padTop) .. iy + padTop.
    const u = new Float32Array(16 * g.inChannels * g.outChannels);
    winogradFilterTransform(filter, g.inChannels, g.outChannels, true, u);
    winogradConv(dy, u, {
      batch: g.batch, inHeight: g.outHeight, inWidth: g.outWidth, inChannels: g.outChannels,
      outHeight: g.inHeight, outWidth: g.inWidth, outChannels: g.inChannels,
      padTop: 2 - g.padTop, padLeft: 2 - g.padLeft,
    }, dx);
    return;
  }
  const v = gemmView(g);
  const { depth: k, outChannels: n, ws } = v;
  if (v.pointwise) {
    gemm({ m: v.rows, n: k, k: n, a: dy, b: filter, transposeB: true, c: dx }, ws);
    return;
  }
  dx.fill(0);
  forEachChunk(v, (r0, rows, dcol) => {
    gemm({ m: rows, n: k, k: n, a: dy, aOffset: r0 * n, b: filter, transposeB: true, c: dcol }, ws);
    col2im(dcol, g, r0, rows, dx);
  });
}

/** dW of conv2d on raw data: col^T · dy accumulated over chunks. dw is overwritten. */
export function conv2dBackpropFilterImpl(x: Float32Array, dy: Float32Array, g: Conv2DGeometry, dw: Float32Array): void {
  if (winogradApplies(g)) {
    winogradConvBackpropFilter(x, dy, g, dw);
    return;
  }
  const v = gemmView(g);
  const { depth: k, outChannels: n, ws } = v;
  if (v.pointwise) {
    gemm({ m: k, n, k: v.rows, a: x, transposeA: true, b: dy, c: dw }, ws);
    return;
  }
  forEachChunk(v, (r0, rows, col) => {
    im2col(x, g, r0, rows, col);
    gemm({ m: k, n, k: rows, a: col, transposeA: true, b: dy, bOffset: r0 * n, c: dw, accumulate: r0 > 0 }, ws);
  });
}

/** The `conv2d` kernel: NHWC x, HWIO filter, TF 'same'/'valid' padding, strides and dilations. */
export function conv2d(x: Tensor, filter: Tensor, options: Conv2DOptions): Tensor {
  const g = conv2dGeometry(x.shape, filter.shape, options);
  const y = outputFloat32(g.batch * g.outHeight * g.outWidth * g.outChannels);
  conv2dImpl(x.data, filter.data, g, y);
  return makeTensor(y, [g.batch, g.outHeight, g.outWidth, g.outChannels]);
}

/** The `conv2dBackpropInput` kernel: gradient of conv2d with respect to x, shape inputShape. */
export function conv2dBackpropInput(dy: Tensor, filter: Tensor, inputShape: Shape, options: Conv2DOptions): Tensor {
  const g = conv2dGeometry(inputShape, filter.shape, options);
  const dx = outputFloat32(sizeOf(inputShape));
  conv2dBackpropInputImpl(dy.data, filter.data, g, dx);
  return makeTensor(dx, inputShape);
}

/** The `conv2dBackpropFilter` kernel: gradient of conv2d with respect to the filter, shape filterShape. */
export function conv2dBackpropFilter(x: Tensor, dy: Tensor, filterShape: Shape, options: Conv2DOptions): Tensor {
  const g = conv2dGeometry(x.shape, filterShape, options);
  const dw = outputFloat32(sizeOf(filterShape));
  conv2dBackpropFilterImpl(x.data, dy.data, g, dw);
  return makeTensor(dw, filterShape);
}
