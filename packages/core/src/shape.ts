/** A tensor shape: non-negative integer dimensions, row-major. */
export type Shape = readonly number[];

/** Number of elements of a shape (1 for a scalar shape `[]`). */
export function sizeOf(shape: Shape): number {
  let size = 1;
  if (!Array.isArray(shape)) {
    for (const d of shape) size *= d;
    return size;
  }
  // Indexed, not for-of: shapes are frozen arrays, which for-of walks through the iterator builtin.
  for (let i = 0; i < shape.length; i++) size *= shape[i];
  return size;
}

/** `[2,28,28,1]`: the form every error message prints shapes in. */
export function formatShape(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Row-major strides of a shape, in elements. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/**
 * Views a tensor as a matrix of `rows x channels` where channels is the last
 * axis: NHWC images and [batch, units] activations both normalise per channel.
 */
export function rowsByLastAxis(shape: Shape): { rows: number; channels: number } {
  const channels = shape[shape.length - 1];
  return { rows: channels === 0 ? 0 : sizeOf(shape) / channels, channels };
}

/** Resolves a possibly negative axis against a rank (-1 is the last axis). */
export function normalizeAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}
