/** Fraction of rows whose arg-max of `probs` equals the arg-max of `oneHot` (first index on ties). */
export function accuracyOf(probs: Float32Array, oneHot: Float32Array, classes: number): number {
  const rows = probs.length / classes;
  let correct = 0;
  for (let r = 0; r < rows; r++) {
    if (argMaxRow(probs, r, classes) === argMaxRow(oneHot, r, classes)) correct++;
  }
  return rows === 0 ? 0 : correct / rows;
}

export function argMaxRow(values: Float32Array, row: number, width: number): number {
  let best = 0;
  let bestValue = values[row * width];
  for (let c = 1; c < width; c++) {
    const v = values[row * width + c];
    if (v > bestValue) {
      best = c;
      bestValue = v;
    }
  }
  return best;
}
