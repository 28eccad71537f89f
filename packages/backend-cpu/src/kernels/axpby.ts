import type { AxpbyOptions, Tensor } from '@batchwise/core';

/**
 * y = alpha*x + beta*y in place (BLAS axpby). Each element is computed in
 * float64 (two products and a sum, in this order) and rounded to float32
 * once; the native backend does the same in double, so the bits agree.
 */
export function axpbyImpl(y: Float32Array, x: Float32Array, alpha: number, beta: number): void {
  for (let i = 0; i < y.length; i++) y[i] = alpha * x[i] + beta * y[i];
}

/** The `axpby` kernel: mutates y. */
export function axpby(y: Tensor, x: Tensor, options: AxpbyOptions): void {
  axpbyImpl(y.data, x.data, options.alpha, options.beta);
}
