import { describe, expect, it } from 'vitest';
import { describeConformance } from '@batchwise/conformance/vitest';

// Large outputs are allocated uninitialised (src/backend/output.ts). Here every
// output starts as NaN (argmax as -1), so any kernel that leaves an element
// unwritten fails the suite instead of returning stale memory. The variable is
// read once, when the module loads, and removed again for later test files.
process.env['BATCHWISE_POISON_OUTPUTS'] = '1';
const { createNativeBackend } = await import('../src/index.js');
const { outputF32, outputI32, outputsPoisoned } = await import('../src/backend/output.js');
delete process.env['BATCHWISE_POISON_OUTPUTS'];

describe('poisoned outputs', () => {
  it('are on in this file, for small and large arrays alike', () => {
    expect(outputsPoisoned()).toBe(true);
    for (const n of [3, 5000]) {
      expect(outputF32(n).every(Number.isNaN)).toBe(true);
      expect(outputI32(n).every((v) => v === -1)).toBe(true);
    }
  });
});

describeConformance('native, outputs poisoned', () => createNativeBackend());
