import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-layers also registers the gradients tfjs-core alone lacks.
import * as tfl from '@tensorflow/tfjs-layers';
import { Tensor } from '@batchwise/core';

await tf.setBackend('cpu');

export { tf, tfl };

export function fromTf(t: tf.Tensor): Tensor {
  return new Tensor(Float32Array.from(t.dataSync() as Float32Array), t.shape);
}

export function toTf(t: Tensor): tf.Tensor {
  return tf.tensor(Array.from(t.data), [...t.shape]);
}

/** Measured differences, printed once per file so the report can quote them. */
export function report(name: string, value: number): void {
  console.log(`MEASURED ${name}: ${value.toExponential(2)}`);
}
