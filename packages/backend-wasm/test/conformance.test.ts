import { createCpuBackend } from '@batchwise/backend-cpu';
import { createNativeBackend } from '@batchwise/backend-native';
import { describeConformance, describeCrossBackend } from '@batchwise/conformance/vitest';
import { FUSED_KERNEL_NAMES, hasKernel } from '@batchwise/core';
import { expect, it } from 'vitest';
import { createWasmBackend } from '../src/index.js';

// The shared suite against the float64 references at 1, 2 and 3 threads (3 on this
// 2-core machine oversubscribes the pool), on the single-threaded module, and every
// comparable case side by side with cpu and with native (whose FMA rounds differently).
for (const threads of [1, 2, 3]) describeConformance(`wasm (${threads} threads)`, () => createWasmBackend({ numThreads: threads }));
describeConformance('wasm (single-threaded module)', () => createWasmBackend({ sharedMemory: false }));
describeCrossBackend('cpu', () => createCpuBackend(), 'wasm', () => createWasmBackend({ numThreads: 2 }));
describeCrossBackend('native', () => createNativeBackend(), 'wasm', () => createWasmBackend({ numThreads: 1 }));

// A backend without a fused kernel passes its cases as skipped: these must run.
it('has every fused kernel, so the fused cases above run instead of skipping', () => {
  const wasm = createWasmBackend({ numThreads: 1 });
  expect(FUSED_KERNEL_NAMES.filter((k) => !hasKernel(k, wasm))).toEqual([]);
});

// Every kernel runs core's validator, so core's ops may skip theirs (validatesArguments).
it('says it validates its arguments, every kernel being wrapped by core', () => {
  expect(createWasmBackend({ numThreads: 1 }).validatesArguments).toBe(true);
});
