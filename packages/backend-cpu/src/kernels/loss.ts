import { makeTensor, outputFloat32, rowsByLastAxis, type SoftmaxCrossEntropyResult, type Tensor } from '@batchwise/core';

/*
 * Softmax cross-entropy from logits, per row of the last axis:
 *   lse = max + log(sum exp(x - max))               (stable log-sum-exp)
 *   loss = -sum labels * log softmax(x) = sum labels * (max - x) + sum(labels) * (lse - max)
 *   dlogits = softmax * sum(labels) - labels
 * The rowsum factor makes the gradient exact for labels that do not sum to 1
 * (label smoothing errors, unnormalized targets). Sums are float64.
 */

export function softmaxCrossEntropyImpl(
  logits: Float32Array, labels: Float32Array, rows: number, channels: number,
  loss: Float32Array, dlogits: Float32Array,
): void {
  for (let r = 0, o = 0; r < rows; r++, o += channels) {
    let top = 0;
    for (let c = 1; c < channels; c++) if (logits[o + c] > logits[o + top]) top = c;
    const max = logits[o + top];
    // sum exp(x - max) = 1 + rest; log1p(rest) keeps tiny losses of confident rows
    // (rest ~ 1e-22) that log(1 + rest) would round to 0.
    let rest = 0;
    for (let c = 0; c < channels; c++) if (c !== top) rest += Math.exp(logits[o + c] - max);
    const logSum = Math.log1p(rest);
    let rowLoss = 0;
    let labelSum = 0;
    for (let c = 0; c < channels; c++) {
      const t = labels[o + c];
      // Skip zero labels so a -Infinity logit with label 0 adds 0, not 0 * Infinity = NaN.
      if (t !== 0) rowLoss += t * (max - logits[o + c]);
      labelSum += t;
    }
    loss[r] = rowLoss + labelSum * logSum;
    const inv = 1 / (1 + rest);
    for (let c = 0; c < channels; c++) {
      dlogits[o + c] = Math.exp(logits[o + c] - max) * inv * labelSum - labels[o + c];
    }
  }
}

/** The `softmaxCrossEntropy` kernel: per-row loss (shape drops the last axis) and its gradient. */
export function softmaxCrossEntropy(logits: Tensor, labels: Tensor): SoftmaxCrossEntropyResult {
  const { rows, channels } = rowsByLastAxis(logits.shape);
  const loss = outputFloat32(rows);
  const dlogits = outputFloat32(logits.size);
  softmaxCrossEntropyImpl(logits.data, labels.data, rows, channels, loss, dlogits);
  return { loss: makeTensor(loss, logits.shape.slice(0, -1)), dlogits: makeTensor(dlogits, logits.shape) };
}
