import { Random, Tensor } from '@batchwise/core';

/* Seeded input builders: every case's data comes from its seed alone. */

function size(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Normal samples, float32. */
export function normal(rng: Random, shape: readonly number[], mean = 0, stddev = 1): Tensor {
  const data = new Float32Array(size(shape));
  for (let i = 0; i < data.length; i++) data[i] = rng.normal(mean, stddev);
  return new Tensor(data, shape);
}

/** Uniform samples in [low, high), float32. */
export function uniform(rng: Random, shape: readonly number[], low: number, high: number): Tensor {
  const data = new Float32Array(size(shape));
  for (let i = 0; i < data.length; i++) data[i] = rng.uniform(low, high);
  return new Tensor(data, shape);
}

/** Uniform magnitudes in [low, high) with random signs (never near zero: safe divisors). */
export function awayFromZero(rng: Random, shape: readonly number[], low: number, high: number): Tensor {
  const t = uniform(rng, shape, low, high);
  for (let i = 0; i < t.size; i++) if (rng.next() < 0.5) t.data[i] = -t.data[i];
  return t;
}

export function constant(shape: readonly number[], value: number): Tensor {
  return new Tensor(new Float32Array(size(shape)).fill(value), shape);
}

export function fromValues(values: readonly number[], shape: readonly number[] = [values.length]): Tensor {
  return new Tensor(Float32Array.from(values), shape);
}

/** One-hot rows of `classes` columns. */
export function oneHot(rng: Random, rows: number, classes: number): Tensor {
  const t = constant([rows, classes], 0);
  for (let r = 0; r < rows; r++) t.data[r * classes + rng.int(classes)] = 1;
  return t;
}

/** A float64 result rounded to a float32 tensor, as a backend would receive it from an earlier kernel. */
export function toTensor(a: { data: ArrayLike<number>; shape: readonly number[] }): Tensor {
  return new Tensor(Float32Array.from(a.data), a.shape);
}
