import type { AdamOptions, SgdOptions, Tensor } from '@batchwise/core';

/*
 * In-place optimizer updates (the documented exception to pure kernels):
 * param and the state tensors are mutated. Conventions follow Keras / TF.js,
 * each step computed in float64 and stored as float32.
 */

/**
 * Keras SGD: v = momentum*v - lr*g; w += v, or with Nesterov w += momentum*v - lr*g
 * (using the updated v). Without momentum, w -= lr*g; velocity, if given, still tracks -lr*g.
 */
export function sgdUpdateImpl(
  w: Float32Array, g: Float32Array, v: Float32Array | null,
  learningRate: number, momentum: number, nesterov: boolean,
): void {
  if (v === null) {
    for (let i = 0; i < w.length; i++) w[i] -= learningRate * g[i];
    return;
  }
  for (let i = 0; i < w.length; i++) {
    const step = -learningRate * g[i];
    const vi = momentum * v[i] + step;
    v[i] = vi;
    w[i] += nesterov ? momentum * vi + step : vi;
  }
}

/**
 * TF.js / Keras Adam (Kingma & Ba 2015, section 2, "efficient" form):
 * m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2;
 * lr_t = lr * sqrt(1 - b2^t) / (1 - b1^t); w -= lr_t * m / (sqrt(v) + eps).
 * Epsilon is added to sqrt(v) of the uncorrected v, as TF.js does (not to sqrt(v_hat)).
 */
export function adamUpdateImpl(
  w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, options: AdamOptions,
): void {
  const { learningRate, beta1, beta2, epsilon, step } = options;
  const lrT = (learningRate * Math.sqrt(1 - Math.pow(beta2, step))) / (1 - Math.pow(beta1, step));
  const oneMinusB1 = 1 - beta1;
  const oneMinusB2 = 1 - beta2;
  for (let i = 0; i < w.length; i++) {
    const gi = g[i];
    const mi = beta1 * m[i] + oneMinusB1 * gi;
    const vi = beta2 * v[i] + oneMinusB2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    w[i] -= (lrT * mi) / (Math.sqrt(vi) + epsilon);
  }
}

/** The `sgdUpdate` kernel: mutates param (and velocity). */
export function sgdUpdate(param: Tensor, grad: Tensor, velocity: Tensor | null, options: SgdOptions): void {
  sgdUpdateImpl(param.data, grad.data, velocity ? velocity.data : null, options.learningRate, options.momentum, options.nesterov);
}

/** The `adamUpdate` kernel: mutates param, m and v. */
export function adamUpdate(param: Tensor, grad: Tensor, m: Tensor, v: Tensor, options: AdamOptions): void {
  adamUpdateImpl(param.data, grad.data, m.data, v.data, options);
}
