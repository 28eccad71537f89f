import { InvalidArgumentError, ShapeError } from './errors.js';
import { formatShape, shapesEqual, sizeOf, type Shape } from './shape.js';
import { Tensor } from './tensor.js';

/*
 * Shared argument checks. Every message has the form
 * `<function>: <argument> <expected>, received <actual>.` so that errors read
 * the same wherever they come from (see STYLE.md section 4).
 */

export function describeValue(v: unknown): string {
  if (v instanceof Tensor) return `a tensor of shape ${formatShape(v.shape)}`;
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return `[${v.map((e) => describeValue(e)).join(',')}]`;
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'object') return v.constructor?.name ?? 'object';
  return String(v);
}

/** True when `buffer` was detached (transferred away, or released to the pool by `dispose`). */
function isDetached(buffer: ArrayBufferLike): boolean {
  if (buffer.byteLength > 0) return false;
  try {
    new Uint8Array(buffer);
    return false;
  } catch {
    return true;
  }
}

function nonNegativeIntegers(shape: readonly unknown[]): boolean {
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (!Number.isSafeInteger(d) || (d as number) < 0) return false;
  }
  return true;
}

/**
 * A Tensor whose data agrees with its shape. The constructor checks that, but
 * an object made with `Object.create(Tensor.prototype)`, a tensor whose fields
 * were overwritten, or one whose resizable buffer shrank can claim more
 * elements than its data holds; every backend would then read past it (cpu
 * returned NaN, native refused). So every kernel call checks it here, once.
 */
export function assertTensor(fn: string, name: string, v: unknown): asserts v is Tensor {
  if (!(v instanceof Tensor)) {
    throw new InvalidArgumentError(`${fn}: ${name} must be a Tensor, received ${describeValue(v)}.`);
  }
  const { data, shape } = v;
  if (!(data instanceof Float32Array)) {
    throw new InvalidArgumentError(`${fn}: ${name}.data must be a Float32Array, received ${describeValue(data)}.`);
  }
  if (!Array.isArray(shape) || !nonNegativeIntegers(shape)) {
    throw new ShapeError(`${fn}: ${name}.shape must be an array of non-negative integers, received ${describeValue(shape)}.`);
  }
  const size = sizeOf(shape);
  if (data.length !== size && size > 0 && isDetached(data.buffer)) {
    throw new InvalidArgumentError(`${fn}: ${name} (shape ${formatShape(shape)}) was disposed: its memory went back to the pool (dispose or the end of a tidy).`);
  }
  if (data.length !== size) {
    throw new ShapeError(`${fn}: ${name} must have ${size} elements for shape ${formatShape(shape)}, received ${data.length}.`);
  }
  if (v.size !== size) {
    throw new ShapeError(`${fn}: ${name}.size must be ${size} for shape ${formatShape(shape)}, received ${describeValue(v.size)}.`);
  }
}

export function assertRank(fn: string, name: string, t: Tensor, ranks: number | readonly number[]): void {
  const allowed = typeof ranks === 'number' ? [ranks] : ranks;
  if (!allowed.includes(t.rank)) {
    const want = allowed.length === 1 ? `rank ${allowed[0]}` : `rank ${allowed.join(' or ')}`;
    throw new ShapeError(`${fn}: ${name} must have ${want}, received rank ${t.rank} (shape ${formatShape(t.shape)}).`);
  }
}

export function assertMinRank(fn: string, name: string, t: Tensor, minRank: number): void {
  if (t.rank < minRank) {
    throw new ShapeError(
      `${fn}: ${name} must have rank >= ${minRank}, received rank ${t.rank} (shape ${formatShape(t.shape)}).`,
    );
  }
}

export function assertShape(fn: string, name: string, t: Tensor, shape: Shape): void {
  if (!shapesEqual(t.shape, shape)) {
    throw new ShapeError(`${fn}: ${name} must have shape ${formatShape(shape)}, received ${formatShape(t.shape)}.`);
  }
}

export function assertSameShape(fn: string, nameA: string, a: Tensor, nameB: string, b: Tensor): void {
  if (!shapesEqual(a.shape, b.shape)) {
    throw new ShapeError(
      `${fn}: ${nameB} must have the shape of ${nameA} ${formatShape(a.shape)}, received ${formatShape(b.shape)}.`,
    );
  }
}

export function assertNonEmpty(fn: string, name: string, t: Tensor): void {
  if (t.size === 0) throw new ShapeError(`${fn}: ${name} must not be empty, received shape ${formatShape(t.shape)}.`);
}

export function assertPositiveInt(fn: string, name: string, v: unknown): asserts v is number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new InvalidArgumentError(`${fn}: ${name} must be a positive integer, received ${describeValue(v)}.`);
  }
}

export function assertNonNegativeInt(fn: string, name: string, v: unknown): asserts v is number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw new InvalidArgumentError(`${fn}: ${name} must be a non-negative integer, received ${describeValue(v)}.`);
  }
}

export function assertFiniteNumber(fn: string, name: string, v: unknown): asserts v is number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new InvalidArgumentError(`${fn}: ${name} must be a finite number, received ${describeValue(v)}.`);
  }
}

/** `low <= v <= high` (or `<` at an open end). */
export function assertInRange(
  fn: string,
  name: string,
  v: unknown,
  low: number,
  high: number,
  { lowOpen = false, highOpen = false } = {},
): asserts v is number {
  assertFiniteNumber(fn, name, v);
  const okLow = lowOpen ? v > low : v >= low;
  const okHigh = highOpen ? v < high : v <= high;
  if (!okLow || !okHigh) {
    const range = `${lowOpen ? '(' : '['}${low}, ${high}${highOpen ? ')' : ']'}`;
    throw new InvalidArgumentError(`${fn}: ${name} must be in ${range}, received ${v}.`);
  }
}

export function assertOneOf<T extends string>(fn: string, name: string, v: unknown, allowed: readonly T[]): asserts v is T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new InvalidArgumentError(
      `${fn}: ${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, received ${describeValue(v)}.`,
    );
  }
}

export function assertBoolean(fn: string, name: string, v: unknown): asserts v is boolean {
  if (typeof v !== 'boolean') {
    throw new InvalidArgumentError(`${fn}: ${name} must be a boolean, received ${describeValue(v)}.`);
  }
}

/** A pair of positive integers such as strides `[2, 2]`. */
export function assertPositiveIntPair(fn: string, name: string, v: unknown): asserts v is [number, number] {
  if (!Array.isArray(v) || v.length !== 2 || !v.every((e) => typeof e === 'number' && Number.isInteger(e) && e >= 1)) {
    throw new InvalidArgumentError(`${fn}: ${name} must be a pair of positive integers, received ${describeValue(v)}.`);
  }
}

/** A valid shape: an array of non-negative integers. */
export function assertShapeLike(fn: string, name: string, v: unknown): asserts v is number[] {
  if (!Array.isArray(v) || !v.every((e) => typeof e === 'number' && Number.isInteger(e) && e >= 0)) {
    throw new InvalidArgumentError(`${fn}: ${name} must be an array of non-negative integers, received ${describeValue(v)}.`);
  }
}

export function assertLength(fn: string, name: string, length: number, shape: Shape): void {
  const want = sizeOf(shape);
  if (length !== want) {
    throw new ShapeError(`${fn}: ${name} must have ${want} elements for shape ${formatShape(shape)}, received ${length}.`);
  }
}
