import type { WindowGeometry } from '@batchwise/core';

/*
 * Every native kernel runs core's validator for its name first (core's
 * `validated`), then the addon checks again in C++ before it touches memory:
 * the addon may be called directly, and a wrong pointer there is a crash, not
 * an exception.
 */

// The fused kernels still import the wrapper from here.
export { validatedFused } from '@batchwise/core';

/** The 17 numbers the addon re-derives and compares, in the order of its ConvGeom struct. */
export function geometryArgs(g: WindowGeometry, outChannels: number): number[] {
  return [
    g.batch, g.inHeight, g.inWidth, g.inChannels, g.outHeight, g.outWidth, outChannels,
    g.kernelHeight, g.kernelWidth, g.strideHeight, g.strideWidth, g.dilationHeight, g.dilationWidth,
    g.padTop, g.padLeft, g.padBottom, g.padRight,
  ];
}
