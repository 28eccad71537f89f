import { describe, expect, it } from 'vitest';
import { listFlag, numberFlag, parseArgs } from '../src/cli-args.js';

describe('bench flags', () => {
  const known = ['only', 'lead-in', 'quick'];
  it('reads lists and numbers, absent flags as undefined', () => {
    const a = parseArgs(['kernels', '--only=native-1t, ort-1t', '--lead-in=100'], known);
    expect(listFlag(a.flags, 'only')).toEqual(['native-1t', 'ort-1t']);
    expect(numberFlag(a.flags, 'lead-in')).toBe(100);
    expect(numberFlag(parseArgs(['kernels'], known).flags, 'lead-in')).toBeUndefined();
  });
  it('rejects unknown flags, a missing number and a negative one', () => {
    expect(() => parseArgs(['kernels', '--lead'], known)).toThrow(/--lead'/);
    expect(() => numberFlag(parseArgs(['kernels', '--lead-in'], known).flags, 'lead-in')).toThrow(/needs a number/);
    expect(() => numberFlag(parseArgs(['kernels', '--lead-in=-5'], known).flags, 'lead-in')).toThrow(/received '-5'/);
    expect(() => numberFlag(parseArgs(['kernels', '--lead-in=abc'], known).flags, 'lead-in')).toThrow(/received 'abc'/);
  });
});
