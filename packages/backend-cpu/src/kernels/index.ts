/*
 * The pure kernels of the cpu backend: tensor-level kernels matching the
 * `Backend` interface and the typed-array implementations under them.
 * Side-effect free: importing this entry registers nothing, so other
 * packages (the native backend's fallbacks, tests, tools) can reuse them.
 */
export * from './activations.js';
export * from './axpby.js';
export * from './batch-norm.js';
export * from './bias.js';
export * from './broadcast.js';
export * from './channel-loops.js';
export * from './compare.js';
export * from './conv2d.js';
export * from './data-movement.js';
export * from './dropout.js';
export * from './elementwise.js';
export * from './fused.js';
export * from './im2col.js';
export * from './loss.js';
export * from './matmul.js';
export * from './max-pool.js';
export * from './optimizers.js';
export * from './reduce.js';
export * from './transpose.js';
export * from './winograd.js';
export * from './winograd-transforms.js';
