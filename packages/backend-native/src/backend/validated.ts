import type { WindowGeometry } from '@batchwise/core';

/*
 * Every native kernel runs core's validator for its name first (core's
 * `validated`), then the addon checks again in C++ before it touches memory:
 * the addon may be called directly, and a wrong pointer there is a crash, not
 * an exception.
 */

// The fused kernels still import the wrapper from here.
export { validatedFused } from '@batchwise/core';

/**
 * The 17 numbers the addon re-derives and compares, in the order of its ConvGeom struct.
 * A Float64Array, not an array: the addon reads an array one element per N-API call
 * (34 calls for a convolution with a pool, several microseconds at batch 1), a typed array in one.
 */
export function geometryArgs(g: WindowGeometry, outChannels: number): Float64Array {
  const a = new Float64Array(17);
  a[0] = g.batch; a[1] = g.inHeight; a[2] = g.inWidth; a[3] = g.inChannels; a[4] = g.outHeight; a[5] = g.outWidth;
  a[6] = outChannels; a[7] = g.kernelHeight; a[8] = g.kernelWidth; a[9] = g.strideHeight; a[10] = g.strideWidth;
  a[11] = g.dilationHeight; a[12] = g.dilationWidth; a[13] = g.padTop; a[14] = g.padLeft; a[15] = g.padBottom; a[16] = g.padRight;
  return a;
}
