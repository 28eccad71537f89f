import { createCpuBackend } from '@batchwise/backend-cpu';
import { describeConformance, describeCrossBackend } from '@batchwise/conformance/vitest';
import { createNativeBackend } from '../src/index.js';

// The shared suite against the float64 references, then every comparable case side by side with cpu.
describeConformance('native', () => createNativeBackend());
describeCrossBackend('cpu', () => createCpuBackend(), 'native', () => createNativeBackend());
