import { createCpuBackend } from '@batchwise/backend-cpu';
import { describeConformance, describeCrossBackend } from '@batchwise/conformance/vitest';
import { expect, it } from 'vitest';
import { createNativeBackend } from '../src/index.js';

// The shared suite against the float64 references, then every comparable case side by side with cpu.
describeConformance('native', () => createNativeBackend());
describeCrossBackend('cpu', () => createCpuBackend(), 'native', () => createNativeBackend());

// Every kernel runs core's validator, so core's ops may skip theirs (validatesArguments).
it('says it validates its arguments, every kernel being wrapped by core', () => {
  expect(createNativeBackend().validatesArguments).toBe(true);
});
