export * from './errors.js';
export * from './shape.js';
export * from './random.js';
export * from './dropout-mask.js';
// moveTensorStorage stays internal: backends relocate through memory.ts's relocateTensor.
export { Tensor, fill, makeTensor, ones, randomNormal, randomUniform, tensor, zeros } from './tensor.js';
export type { RandomNormalOptions, RandomUniformOptions, TensorStorage } from './tensor.js';
export * from './memory.js';
export * from './assert.js';
export * from './backend.js';
export * from './geometry.js';
export * from './window-limits.js';
export * from './registry.js';
export * from './ops.js';
export * from './validated-kernels.js';
export { argmaxRangeError } from './validate/pooling.js';
export { classIndexError } from './validate/tensor-ops.js';
