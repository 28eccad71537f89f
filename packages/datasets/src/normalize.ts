import { assertRank, assertTensor, formatShape, InvalidArgumentError, ShapeError, Tensor } from '@batchwise/core';

/** Per-column statistics of a `[n, f]` table, fitted on training data and reused on test data. */
export interface ColumnStats {
  mean: Float64Array;
  std: Float64Array;
  min: Float64Array;
  max: Float64Array;
}

/**
 * Mean, biased standard deviation, min and max of each column, accumulated
 * in float64 with two passes (mean, then squared deviations): the km column
 * of `carRental` sits near 1.5e5, where E[x²]−E[x]² would lose every digit.
 */
export function columnStats(x: Tensor): ColumnStats {
  assertTensor('columnStats', 'x', x);
  assertRank('columnStats', 'x', x, 2);
  const [n, f] = x.shape;
  if (n === 0) throw new ShapeError(`columnStats: x must have at least one row, received shape ${formatShape(x.shape)}.`);
  const mean = new Float64Array(f);
  const std = new Float64Array(f);
  const min = new Float64Array(f).fill(Infinity);
  const max = new Float64Array(f).fill(-Infinity);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < f; c++) {
      const v = x.data[r * f + c];
      mean[c] += v;
      if (v < min[c]) min[c] = v;
      if (v > max[c]) max[c] = v;
    }
  }
  for (let c = 0; c < f; c++) mean[c] /= n;
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < f; c++) {
      const d = x.data[r * f + c] - mean[c];
      std[c] += d * d;
    }
  }
  for (let c = 0; c < f; c++) std[c] = Math.sqrt(std[c] / n);
  return { mean, std, min, max };
}

/** `(x − mean) / std` per column (the article's second method); a constant column maps to 0. */
export function standardize(x: Tensor, stats: ColumnStats = columnStats(x)): Tensor {
  checkStats('standardize', x, stats);
  return mapColumns(x, (v, c) => (stats.std[c] === 0 ? 0 : (v - stats.mean[c]) / stats.std[c]));
}

/** `(x − min) / (max − min)` per column, to [0, 1] on the fitted data (the article's first method); a constant column maps to 0. */
export function minMaxScale(x: Tensor, stats: ColumnStats = columnStats(x)): Tensor {
  checkStats('minMaxScale', x, stats);
  return mapColumns(x, (v, c) => {
    const range = stats.max[c] - stats.min[c];
    return range === 0 ? 0 : (v - stats.min[c]) / range;
  });
}

function checkStats(fn: string, x: Tensor, stats: ColumnStats): void {
  assertTensor(fn, 'x', x);
  assertRank(fn, 'x', x, 2);
  const f = x.shape[1];
  for (const key of ['mean', 'std', 'min', 'max'] as const) {
    if (!(stats?.[key] instanceof Float64Array) || stats[key].length !== f) {
      throw new InvalidArgumentError(`${fn}: stats.${key} must be a Float64Array of ${f} columns, received ${stats?.[key]?.length ?? 'none'}.`);
    }
  }
}

function mapColumns(x: Tensor, f: (v: number, column: number) => number): Tensor {
  const cols = x.shape[1];
  const out = new Float32Array(x.size);
  for (let i = 0; i < x.size; i++) out[i] = f(x.data[i], i % cols);
  return new Tensor(out, x.shape);
}
