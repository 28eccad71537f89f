import type { Array64 } from './array64.js';

/*
 * Keras/TF.js optimizer steps, applied in place to float64 copies:
 * SGD: v = momentum * v - lr * g; w += v (Nesterov: w += momentum * v - lr * g).
 * Adam: m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
 *       w -= lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)
 * (Kingma & Ba 2015, section 2, with epsilon outside the bias correction, as TF.js does).
 */

export interface RefSgd {
  learningRate: number;
  momentum: number;
  nesterov: boolean;
}

export function refSgdStep(w: Array64, g: Array64, velocity: Array64 | null, o: RefSgd): void {
  for (let i = 0; i < w.data.length; i++) {
    if (o.momentum === 0 || velocity === null) {
      w.data[i] -= o.learningRate * g.data[i];
      continue;
    }
    const v = o.momentum * velocity.data[i] - o.learningRate * g.data[i];
    velocity.data[i] = v;
    w.data[i] += o.nesterov ? o.momentum * v - o.learningRate * g.data[i] : v;
  }
}

export interface RefAdam {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  step: number;
}

export function refAdamStep(w: Array64, g: Array64, m: Array64, v: Array64, o: RefAdam): void {
  const lrT = (o.learningRate * Math.sqrt(1 - o.beta2 ** o.step)) / (1 - o.beta1 ** o.step);
  for (let i = 0; i < w.data.length; i++) {
    m.data[i] = o.beta1 * m.data[i] + (1 - o.beta1) * g.data[i];
    v.data[i] = o.beta2 * v.data[i] + (1 - o.beta2) * g.data[i] * g.data[i];
    w.data[i] -= (lrT * m.data[i]) / (Math.sqrt(v.data[i]) + o.epsilon);
  }
}
