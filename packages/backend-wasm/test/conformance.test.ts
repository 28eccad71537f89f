import { createCpuBackend } from '@batchwise/backend-cpu';
import { describeConformance, describeCrossBackend } from '@batchwise/conformance/vitest';
import { createWasmBackend } from '../src/index.js';

// The shared suite against the float64 references at 1, 2 and 3 threads (3 on this
// 2-core machine oversubscribes the pool), on the single-threaded module, and every
// comparable case side by side with cpu.
for (const threads of [1, 2, 3]) describeConformance(`wasm (${threads} threads)`, () => createWasmBackend({ numThreads: threads }));
describeConformance('wasm (single-threaded module)', () => createWasmBackend({ sharedMemory: false }));
describeCrossBackend('cpu', () => createCpuBackend(), 'wasm', () => createWasmBackend({ numThreads: 2 }));
