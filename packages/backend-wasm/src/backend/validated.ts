/*
 * Every wasm kernel runs core's validator for its name first (core's
 * `validated`), then the module checks again in C++ before it touches memory
 * (csrc/entry/args.h), as the native backend does. The fused kernels still
 * import the wrapper from here.
 */
export { validatedFused } from '@batchwise/core';
