import { ShapeError } from './errors.js';
import { formatShape, type Shape } from './shape.js';
import type { Conv2DOptions, MaxPoolOptions, Padding } from './backend.js';
import { assertWindowFits, assertWindowShapeSize } from './window-limits.js';

/** Everything a conv2d or pooling loop needs, derived once from shapes and options. */
export interface WindowGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  kernelHeight: number;
  kernelWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padTop: number;
  padLeft: number;
  padBottom: number;
  padRight: number;
}

export interface Conv2DGeometry extends WindowGeometry {
  outChannels: number;
}

/**
 * Output size and padding along one axis. 'same' follows TensorFlow
 * (SAME_UPPER): out = ceil(in / stride), and an odd total padding puts the
 * extra row or column at the end.
 */
export function windowAxis(inSize: number, kernel: number, stride: number, dilation: number, padding: Padding) {
  const effective = (kernel - 1) * dilation + 1;
  if (padding === 'valid') {
    const out = inSize >= effective ? Math.floor((inSize - effective) / stride) + 1 : 0;
    return { out, padBefore: 0, padAfter: 0 };
  }
  const out = Math.ceil(inSize / stride);
  const total = Math.max((out - 1) * stride + effective - inSize, 0);
  const padBefore = Math.floor(total / 2);
  return { out, padBefore, padAfter: total - padBefore };
}

/**
 * The last window geometries computed, for the same call asking again: a kernel's validator and
 * the kernel both derive it (a fused kernel a conv's and a pool's), and a model's prediction asks
 * for the same few at every call. Reused only for equal input shape values (kept as a frozen copy,
 * so a caller's array changing later changes nothing here) and equal window values; frozen, as
 * every caller shares it. A few entries, the most recently used first, the least recently used
 * dropped: a prediction over many batches asks for its layers' recurring output shapes between
 * one-off batch input shapes, and first-in-first-out evicted the recurring ones.
 */
interface RecentGeometry {
  input: Shape;
  kernel0: number; kernel1: number;
  stride0: number; stride1: number;
  dilation0: number; dilation1: number;
  padding: Padding;
  outChannels: number | undefined;
  g: WindowGeometry;
}
const recent: RecentGeometry[] = [];
const RECENT_LIMIT = 8;

function sameShape(a: Shape, b: Shape): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function findRecent(
  inputShape: Shape, kernel: readonly [number, number], strides: readonly [number, number],
  dilations: readonly [number, number], padding: Padding, outChannels: number | undefined,
): WindowGeometry | null {
  for (let i = 0; i < recent.length; i++) {
    const r = recent[i];
    if (
      r.kernel0 === kernel[0] && r.kernel1 === kernel[1] && r.stride0 === strides[0] && r.stride1 === strides[1] &&
      r.dilation0 === dilations[0] && r.dilation1 === dilations[1] && r.padding === padding && r.outChannels === outChannels &&
      sameShape(r.input, inputShape)
    ) {
      for (let j = i; j > 0; j--) recent[j] = recent[j - 1];
      recent[0] = r;
      return r.g;
    }
  }
  return null;
}

function windowGeometry(fn: string, inputShape: Shape, kernel: readonly [number, number], strides: readonly [number, number], dilations: readonly [number, number], padding: Padding): WindowGeometry;
function windowGeometry(fn: string, inputShape: Shape, kernel: readonly [number, number], strides: readonly [number, number], dilations: readonly [number, number], padding: Padding, outChannels: number): Conv2DGeometry;
function windowGeometry(
  fn: string,
  inputShape: Shape,
  kernel: readonly [number, number],
  strides: readonly [number, number],
  dilations: readonly [number, number],
  padding: Padding,
  outChannels?: number,
): WindowGeometry {
  const found = findRecent(inputShape, kernel, strides, dilations, padding, outChannels);
  if (found) return found;
  const [batch, inHeight, inWidth, inChannels] = inputShape;
  assertWindowShapeSize(fn, 'input', inputShape);
  assertWindowFits(fn, inputShape, kernel, dilations, padding === 'same');
  const h = windowAxis(inHeight, kernel[0], strides[0], dilations[0], padding);
  const w = windowAxis(inWidth, kernel[1], strides[1], dilations[1], padding);
  if (h.out < 1 || w.out < 1) {
    throw new ShapeError(
      `${fn}: window ${formatShape(kernel)} (dilation ${formatShape(dilations)}) does not fit input ${formatShape(inputShape)} with '${padding}' padding.`,
    );
  }
  assertWindowShapeSize(fn, 'output', [batch, h.out, w.out, outChannels ?? inChannels]);
  const window: WindowGeometry = {
    batch, inHeight, inWidth, inChannels,
    outHeight: h.out, outWidth: w.out,
    kernelHeight: kernel[0], kernelWidth: kernel[1],
    strideHeight: strides[0], strideWidth: strides[1],
    dilationHeight: dilations[0], dilationWidth: dilations[1],
    padTop: h.padBefore, padBottom: h.padAfter, padLeft: w.padBefore, padRight: w.padAfter,
  };
  const g = Object.freeze(outChannels === undefined ? window : { ...window, outChannels });
  recent.unshift({
    input: Object.isFrozen(inputShape) ? inputShape : Object.freeze([...inputShape]),
    kernel0: kernel[0], kernel1: kernel[1], stride0: strides[0], stride1: strides[1],
    dilation0: dilations[0], dilation1: dilations[1], padding, outChannels, g,
  });
  if (recent.length > RECENT_LIMIT) recent.pop();
  return g;
}

/** Geometry of an NHWC conv with an HWIO filter; `fn` names the kernel in errors. */
export function conv2dGeometry(inputShape: Shape, filterShape: Shape, options: Conv2DOptions, fn = 'conv2d'): Conv2DGeometry {
  assertWindowShapeSize(fn, 'filter', filterShape);
  return windowGeometry(fn, inputShape, [filterShape[0], filterShape[1]], options.strides, options.dilations, options.padding, filterShape[3]);
}

export function conv2dOutputShape(inputShape: Shape, filterShape: Shape, options: Conv2DOptions, fn = 'conv2d'): number[] {
  const g = conv2dGeometry(inputShape, filterShape, options, fn);
  return [g.batch, g.outHeight, g.outWidth, g.outChannels];
}

/** Geometry of NHWC max pooling (no dilation). */
export function poolGeometry(inputShape: Shape, options: MaxPoolOptions, fn = 'maxPool'): WindowGeometry {
  return windowGeometry(fn, inputShape, options.poolSize, options.strides, [1, 1], options.padding);
}

export function poolOutputShape(inputShape: Shape, options: MaxPoolOptions, fn = 'maxPool'): number[] {
  const g = poolGeometry(inputShape, options, fn);
  return [g.batch, g.outHeight, g.outWidth, g.inChannels];
}
