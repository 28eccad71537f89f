import { describeValue } from './assert.js';
import { InvalidArgumentError, ShapeError } from './errors.js';
import { formatShape, sizeOf, type Shape } from './shape.js';

/**
 * Limits of the windowed kernels (conv2d, its two gradients, maxPool), checked
 * before any work, the same on every backend (core's validation applies them,
 * the layer constructors and the native addon too):
 *
 * - `maxValue`: every kernel or pool size, stride and dilation, every effective
 *   window `(size - 1) * dilation + 1` and the element count of every shape
 *   these kernels take or make are at most 2^31 - 1. The native addon indexes
 *   with int32 (maxPool's argmax is an Int32Array of indices into x), and a
 *   tensor past it would be a Float32Array of 8 GiB.
 * - 'valid' padding: the effective window must fit in the input.
 * - 'same' padding: at most `sameTapsPerInput * in + 1` taps along an axis of
 *   size `in`. Without dilation, taps past `2 * in + 1` can only ever meet
 *   padding; the bound also bounds the work, which grows with the taps: a
 *   kernel of 30000 on a 28x28 image ran for minutes before anything failed.
 */
export const WINDOW_LIMITS = { maxValue: 2 ** 31 - 1, sameTapsPerInput: 2 } as const;

function isPositiveInteger(e: unknown): boolean {
  return typeof e === 'number' && Number.isInteger(e) && e >= 1;
}

/** A pair of integers in [1, WINDOW_LIMITS.maxValue], such as strides `[2, 2]`. */
export function assertWindowPair(fn: string, name: string, v: unknown): asserts v is [number, number] {
  // Plain tests, no callbacks: every windowed kernel call runs this several times.
  if (!Array.isArray(v) || v.length !== 2 || !isPositiveInteger(v[0]) || !isPositiveInteger(v[1])) {
    throw new InvalidArgumentError(`${fn}: ${name} must be a pair of positive integers, received ${describeValue(v)}.`);
  }
  if (v[0] > WINDOW_LIMITS.maxValue || v[1] > WINDOW_LIMITS.maxValue) {
    throw new InvalidArgumentError(`${fn}: ${name} must be a pair of integers in [1, ${WINDOW_LIMITS.maxValue}], received ${describeValue(v)}.`);
  }
}

/** A shape of at most WINDOW_LIMITS.maxValue elements. */
export function assertWindowShapeSize(fn: string, name: string, shape: Shape): void {
  const size = sizeOf(shape);
  if (size > WINDOW_LIMITS.maxValue) {
    throw new ShapeError(`${fn}: ${name} must have at most ${WINDOW_LIMITS.maxValue} elements, received ${formatShape(shape)} (${size} elements).`);
  }
}

/**
 * The window along both axes against an NHWC input: the effective window
 * within maxValue, inside the input for 'valid', within the tap bound for 'same'.
 */
export function assertWindowFits(
  fn: string,
  inputShape: Shape,
  kernel: readonly [number, number],
  dilations: readonly [number, number],
  same: boolean,
): void {
  // Scalars first (no arrays on the path every call takes); the arrays only for a message.
  const effH = (kernel[0] - 1) * dilations[0] + 1;
  const effW = (kernel[1] - 1) * dilations[1] + 1;
  if (effH > WINDOW_LIMITS.maxValue || effW > WINDOW_LIMITS.maxValue) {
    throw new ShapeError(
      `${fn}: window ${formatShape(kernel)} with dilation ${formatShape(dilations)} must span at most ${WINDOW_LIMITS.maxValue} elements, received ${formatShape([effH, effW])}.`,
    );
  }
  if (!same && (effH > inputShape[1] || effW > inputShape[2])) {
    throw new ShapeError(
      `${fn}: window ${formatShape(kernel)} (dilation ${formatShape(dilations)}) does not fit input ${formatShape(inputShape)} with 'valid' padding.`,
    );
  }
  const mostH = WINDOW_LIMITS.sameTapsPerInput * inputShape[1] + 1;
  const mostW = WINDOW_LIMITS.sameTapsPerInput * inputShape[2] + 1;
  if (same && (kernel[0] > mostH || kernel[1] > mostW)) {
    const most = [mostH, mostW];
    throw new ShapeError(
      `${fn}: window must be at most ${formatShape(most)} (${WINDOW_LIMITS.sameTapsPerInput} x input size + 1) with 'same' padding on input ${formatShape(inputShape)}, received ${formatShape(kernel)}.`,
    );
  }
}
