import { array64, lastAxisRows, type Array64 } from './array64.js';

export interface RefSoftmaxCrossEntropy {
  /** -sum(labels * log softmax(logits)) per row. */
  loss: Array64;
  /** softmax * sum(labels) - labels. */
  dlogits: Array64;
}

/** Per-row softmax cross-entropy via log-sum-exp, so large logits stay finite. */
export function refSoftmaxCrossEntropy(logits: Array64, labels: Array64): RefSoftmaxCrossEntropy {
  const { rows, channels } = lastAxisRows(logits.shape);
  const loss = array64(logits.shape.slice(0, -1));
  const dlogits = array64(logits.shape);
  for (let r = 0; r < rows; r++) {
    const o = r * channels;
    let m = -Infinity;
    for (let c = 0; c < channels; c++) m = Math.max(m, logits.data[o + c]);
    let s = 0;
    for (let c = 0; c < channels; c++) s += Math.exp(logits.data[o + c] - m);
    const lse = m + Math.log(s);
    let l = 0;
    let labelSum = 0;
    for (let c = 0; c < channels; c++) {
      l -= labels.data[o + c] * (logits.data[o + c] - lse);
      labelSum += labels.data[o + c];
    }
    loss.data[r] = l;
    for (let c = 0; c < channels; c++) {
      dlogits.data[o + c] = Math.exp(logits.data[o + c] - lse) * labelSum - labels.data[o + c];
    }
  }
  return { loss, dlogits };
}
