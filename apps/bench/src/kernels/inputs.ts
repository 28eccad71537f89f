import { ACT_SHAPE, CONV_FILTER_SHAPE, CONV_X_SHAPE, CONV_Y_SHAPE, MATMUL, POOLED_SHAPE, randomData, uniformData } from './cases.js';

/*
 * The input data of every kernel, NHWC, made once from fixed seeds and shared
 * by all contenders (each converts it to its own tensor type and layout).
 */

export interface KernelInputs {
  a: Float32Array;
  b: Float32Array;
  convX: Float32Array;
  convFilter: Float32Array;
  convDy: Float32Array;
  act: Float32Array;
  actDy: Float32Array;
  pooledDy: Float32Array;
  /** Per-channel batch-norm parameters; variance and gamma positive. */
  gamma: Float32Array;
  beta: Float32Array;
  mean: Float32Array;
  variance: Float32Array;
}

let cached: KernelInputs | undefined;

export function kernelInputs(): KernelInputs {
  const c = ACT_SHAPE[3];
  cached ??= {
    a: randomData([MATMUL.m, MATMUL.k], 1),
    b: randomData([MATMUL.k, MATMUL.n], 2),
    convX: randomData(CONV_X_SHAPE, 3),
    convFilter: randomData(CONV_FILTER_SHAPE, 4),
    convDy: randomData(CONV_Y_SHAPE, 5),
    act: randomData(ACT_SHAPE, 6),
    actDy: randomData(ACT_SHAPE, 7),
    pooledDy: randomData(POOLED_SHAPE, 8),
    gamma: uniformData(c, 0.5, 1.5, 9),
    beta: uniformData(c, -0.5, 0.5, 10),
    mean: uniformData(c, -0.1, 0.1, 11),
    variance: uniformData(c, 0.5, 1.5, 12),
  };
  return cached;
}
