import { registerBackend } from '@batchwise/core';
import { createCpuBackend } from './cpu-backend.js';

/*
 * Root entry: importing '@batchwise/backend-cpu' registers the backend as
 * 'cpu' with priority 1, the one import side effect STYLE section 1 allows.
 * A native backend registers with a higher priority and wins when it loads;
 * cpu remains the fallback that runs everywhere, browsers included.
 */

/** Registry priority of the cpu backend (native backends register above it). */
export const CPU_BACKEND_PRIORITY = 1;

registerBackend('cpu', () => createCpuBackend(), { priority: CPU_BACKEND_PRIORITY });

export { createCpuBackend, CPU_BACKEND_INFO } from './cpu-backend.js';
