import { assertNonNegativeInt, assertPositiveInt, InvalidArgumentError, Tensor } from '@batchwise/core';

/** One-hot rows `[n, numClasses]` (float32, as losses expect) from integer labels. */
export function oneHot(labels: ArrayLike<number>, numClasses: number): Tensor {
  assertPositiveInt('oneHot', 'numClasses', numClasses);
  const out = new Float32Array(labels.length * numClasses);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    assertNonNegativeInt('oneHot', `labels[${i}]`, label);
    if (label >= numClasses) {
      throw new InvalidArgumentError(`oneHot: labels[${i}] must be in [0, ${numClasses - 1}], received ${label}.`);
    }
    out[i * numClasses + label] = 1;
  }
  return new Tensor(out, [labels.length, numClasses]);
}
