import { describe, expect, it } from 'vitest';
import { runFixture } from './child.js';

// These children import the built dist, as applications do (`turbo run build` runs first).
describe('registration and fallback to cpu', () => {
  it('native registers with priority 10 and becomes the default when the addon loads', () => {
    const run = runFixture('fallback-child.mjs');
    expect(run.status, run.stderr).toBe(0);
    const got = JSON.parse(run.stdout);
    expect(got.active).toBe('native');
    expect(got.status[0]).toMatchObject({ name: 'native', available: true, active: true });
    expect(got.createError).toBeNull();
  });
  it('a missing addon leaves cpu active and listBackends shows the one-line reason', () => {
    const run = runFixture('fallback-child.mjs', [], { BATCHWISE_NATIVE_ADDON: '/nonexistent/batchwise_native.node' });
    expect(run.status, run.stderr).toBe(0);
    const got = JSON.parse(run.stdout);
    expect(got.active).toBe('cpu');
    const native = got.status.find((s: { name: string }) => s.name === 'native');
    expect(native.available).toBe(false);
    expect(native.reason).toBe('native addon not found: /nonexistent/batchwise_native.node (named by BATCHWISE_NATIVE_ADDON) does not exist.');
    expect(got.createError).toContain('native addon not found');
  });
  it('an invalid BATCHWISE_ISA makes native unavailable with the reason, not a crash', () => {
    const run = runFixture('fallback-child.mjs', [], { BATCHWISE_ISA: 'avx9000' });
    expect(run.status, run.stderr).toBe(0);
    const got = JSON.parse(run.stdout);
    expect(got.active).toBe('cpu');
    expect(got.status.find((s: { name: string }) => s.name === 'native').reason).toBe(
      "BATCHWISE_ISA must be one of 'scalar', 'avx2', 'avx512', received 'avx9000'.",
    );
  });
});
