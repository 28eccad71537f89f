import { InvalidArgumentError, ShapeError } from './errors.js';
import { Random } from './random.js';
import { formatShape, sizeOf, type Shape } from './shape.js';

/**
 * Tensor data that a backend keeps in memory it manages itself (a block of a
 * WebAssembly memory, for instance) instead of a JavaScript-owned array. A
 * tensor over it reads `view()` on every `.data` access, so the backend decides
 * how long a view stays valid; once released, `view()` must return an empty
 * array (the tensor then reports `disposed`). `dispose` and `tidy` call
 * `release` for storage registered with `trackStorage`.
 */
export interface TensorStorage {
  /** The values as float32, row-major; an empty array after `release`. */
  view(): Float32Array;
  /** Frees the memory. Idempotent. */
  release(): void;
}

function isStorage(value: unknown): value is TensorStorage {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as TensorStorage).view === 'function' &&
    typeof (value as TensorStorage).release === 'function'
  );
}

let setStorage: (t: Tensor, storage: TensorStorage) => void;

/**
 * A dense float32 tensor: contiguous row-major data plus a shape. Images are
 * NHWC and conv filters `[kh, kw, inChannels, outChannels]`, the layouts of
 * TensorFlow.js and Keras. Backends read and write `data` directly, so the
 * same tensor works on every backend without copies. The data is a
 * Float32Array, or a `TensorStorage` a backend manages: then `data` is its
 * view, taken anew on each read (read `data` again rather than keeping it
 * across kernel calls).
 */
export class Tensor {
  /**
   * The values, row-major. A plain property for a Float32Array; over
   * backend-managed storage an own accessor returning the storage's current
   * view (one getter for every such tensor, so they share a hidden class; own
   * and enumerable, so deep equality still compares values).
   */
  readonly data: Float32Array;
  readonly shape: readonly number[];
  readonly size: number;
  #storage: TensorStorage | undefined;

  static {
    const storageData = function (this: Tensor): Float32Array {
      return (this.#storage as TensorStorage).view();
    };
    setStorage = (t, storage) => {
      t.#storage = storage;
      Object.defineProperty(t, 'data', { get: storageData, enumerable: true, configurable: true });
    };
  }

  constructor(data: Float32Array | TensorStorage, shape: Shape) {
    if (!(data instanceof Float32Array) && !isStorage(data)) {
      throw new InvalidArgumentError(`Tensor: data must be a Float32Array, received ${data === null ? 'null' : typeof data}.`);
    }
    // Any iterable of dimensions, as always; an array (the usual case) by index, which is faster on frozen arrays.
    const dims: Shape = Array.isArray(shape) ? shape : [...shape];
    for (let i = 0; i < dims.length; i++) {
      const d = dims[i];
      if (!Number.isInteger(d) || d < 0) {
        throw new ShapeError(`Tensor: shape must hold non-negative integers, received ${formatShape(dims)}.`);
      }
    }
    // dims from here on: a one-shot iterable (a generator) is spent by the copy above.
    const size = sizeOf(dims);
    const length = data instanceof Float32Array ? data.length : data.view().length;
    if (length !== size) {
      throw new ShapeError(`Tensor: data must have ${size} elements for shape ${formatShape(dims)}, received ${length}.`);
    }
    if (data instanceof Float32Array) {
      this.data = data;
    } else {
      this.data = data.view();
      setStorage(this, data);
    }
    // A frozen array cannot change: share it (kernel outputs and reshapes pass their input's shape).
    this.shape = Object.isFrozen(dims) ? dims : Object.freeze([...dims]);
    this.size = size;
  }

  /** The backend-managed storage under `data`, or undefined when the data is a plain Float32Array. */
  get storage(): TensorStorage | undefined {
    return #storage in this ? this.#storage : undefined;
  }

  get rank(): number {
    return this.shape.length;
  }

  /** True once `dispose` or the end of a `tidy` released this tensor's memory (its data is then empty). */
  get disposed(): boolean {
    return this.data.length !== this.size;
  }

  /** A tensor sharing this data under another shape of the same size; -1 infers one dimension. */
  reshape(shape: Shape): Tensor {
    const resolved = [...shape];
    const infer = resolved.indexOf(-1);
    if (infer >= 0) {
      const known = resolved.reduce((p, d, i) => (i === infer ? p : p * d), 1);
      resolved[infer] = known === 0 ? 0 : this.size / known;
    }
    if (sizeOf(resolved) !== this.size || !resolved.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new ShapeError(`reshape: cannot reshape ${formatShape(this.shape)} (${this.size} elements) to ${formatShape(shape)}.`);
    }
    return new Tensor(this.storage ?? this.data, resolved);
  }

  clone(): Tensor {
    return new Tensor(this.data.slice(), this.shape);
  }

  /** Nested arrays, for printing and tests. */
  toArray(): unknown {
    const build = (offset: number, axis: number): unknown => {
      if (axis === this.rank) return this.data[offset];
      const stride = sizeOf(this.shape.slice(axis + 1));
      return Array.from({ length: this.shape[axis] }, (_, i) => build(offset + i * stride, axis + 1));
    };
    return build(0, 0);
  }

  toString(): string {
    return `Tensor${formatShape(this.shape)}`;
  }
}

/**
 * Points `t` at `storage` (internal: not exported from the package; backends
 * use memory.ts's `relocateTensor`, which also moves the tidy bookkeeping).
 */
export function moveTensorStorage(fn: string, t: Tensor, storage: TensorStorage): void {
  if (!isStorage(storage)) throw new InvalidArgumentError(`${fn}: storage must be a TensorStorage (view and release), received ${typeof storage}.`);
  const length = storage.view().length;
  if (length !== t.size) {
    throw new ShapeError(`${fn}: storage must have ${t.size} elements for shape ${formatShape(t.shape)}, received ${length}.`);
  }
  setStorage(t, storage);
}

/** Wraps a Float32Array (no copy) as a tensor. */
export function makeTensor(data: Float32Array, shape: Shape): Tensor {
  return new Tensor(data, shape);
}

/** Builds a tensor from numbers (flat, with a shape) or nested arrays (shape inferred). */
export function tensor(values: ArrayLike<number> | unknown[], shape?: Shape): Tensor {
  if (shape === undefined) {
    const inferred: number[] = [];
    let probe: unknown = values;
    while (Array.isArray(probe)) {
      inferred.push(probe.length);
      probe = probe[0];
    }
    const flat = Array.isArray(values) ? (values as unknown[]).flat(Infinity) : Array.from(values as ArrayLike<number>);
    if (!flat.every((v) => typeof v === 'number')) {
      throw new InvalidArgumentError('tensor: values must be numbers or nested arrays of numbers.');
    }
    if (!Array.isArray(values)) inferred.splice(0, inferred.length, flat.length);
    return new Tensor(Float32Array.from(flat as number[]), inferred);
  }
  const data = values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
  return new Tensor(data, shape);
}

export function zeros(shape: Shape): Tensor {
  return new Tensor(new Float32Array(sizeOf(shape)), shape);
}

export function ones(shape: Shape): Tensor {
  return fill(shape, 1);
}

export function fill(shape: Shape, value: number): Tensor {
  return new Tensor(new Float32Array(sizeOf(shape)).fill(value), shape);
}

export interface RandomNormalOptions {
  mean?: number;
  stddev?: number;
  seed: number;
}

/** Normal samples; the seed is required so every result can be reproduced. */
export function randomNormal(shape: Shape, { mean = 0, stddev = 1, seed }: RandomNormalOptions): Tensor {
  const rng = new Random(seed);
  const data = new Float32Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = rng.normal(mean, stddev);
  return new Tensor(data, shape);
}

export interface RandomUniformOptions {
  minval?: number;
  maxval?: number;
  seed: number;
}

/** Uniform samples in [minval, maxval); seeded like every random helper. */
export function randomUniform(shape: Shape, { minval = 0, maxval = 1, seed }: RandomUniformOptions): Tensor {
  const rng = new Random(seed);
  const data = new Float32Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = rng.uniform(minval, maxval);
  return new Tensor(data, shape);
}
