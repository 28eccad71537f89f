import { InvalidArgumentError, KERNEL_NAMES, ShapeError } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { checkInvalid, INVALID_CASES } from '../src/cases/invalid.js';
import { t } from '../src/cases/invalid-windows.js';
import { createReferenceBackend } from '../src/testing/index.js';

const backend = createReferenceBackend();

describe('invalid-argument cases', () => {
  it('cover every kernel', () => {
    const covered = new Set(INVALID_CASES.map((c) => c.kernel));
    expect(KERNEL_NAMES.filter((k) => !covered.has(k))).toEqual([]);
  });

  it('include the style guide example', () => {
    expect(INVALID_CASES.map((c) => c.message)).toContain('conv2d: filter must have rank 4, received rank 3 (shape [3,3,8]).');
  });

  it('pass when class and message are exact', () => {
    const failures = INVALID_CASES.map((c, i) => checkInvalid(backend, c, i)).filter((r) => !r.pass);
    expect(failures.map((f) => f.message)).toEqual([]);
  });

  it('fail on a different message', () => {
    const r = checkInvalid(backend, { ...INVALID_CASES[0], message: 'conv2d: something else.' }, 0);
    expect(r.pass).toBe(false);
    expect(r.message).toContain('expected message "conv2d: something else."');
  });

  it('fail on a parent class where the subclass is due, and the reverse', () => {
    const shapeCase = INVALID_CASES.find((c) => c.error === ShapeError)!;
    expect(checkInvalid(backend, { ...shapeCase, error: InvalidArgumentError }, 0).pass).toBe(false);
    const argCase = INVALID_CASES.find((c) => c.error === InvalidArgumentError)!;
    expect(checkInvalid(backend, { ...argCase, error: ShapeError }, 0).pass).toBe(false);
  });

  it('fail when nothing is thrown', () => {
    const r = checkInvalid(backend, { ...INVALID_CASES[0], call: (o) => o.relu(t(2, 2)) }, 0);
    expect(r.pass).toBe(false);
    expect(r.message).toContain('but nothing was thrown');
  });
});
