import { describe, expect, it } from 'vitest';
import { runFixture } from './child.js';

/*
 * Winograd's F(2x2, 3x3) (3x3 stride-1 convolutions with 16+ channels, and
 * the input gradients of those, themselves such convolutions) keeps the
 * previous paths (direct, indirect, col2im) as its reference: one child
 * process with it on and one with BATCHWISE_CONV_WINOGRAD=0, each passing the
 * conv kernels' conformance rows, and their outputs equal within the
 * conformance tolerance of a K-term sum (2e-7 K + 1e-5 relative), doubled
 * since both sides may be off by it. Input gradients Winograd does not take
 * (stride 2, dilation 2, few channels) are the same bits either way.
 */
function run(winograd: boolean) {
  const r = runFixture('conv-path-child.mjs', [], { BATCHWISE_CONV_WINOGRAD: winograd ? '1' : '0', BATCHWISE_NUM_THREADS: '2' });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as {
    failures: string[];
    ran: number;
    maxError: Record<string, number>;
    outputs: { conv: string; fused: string; k: number; dx: string; kDx: number }[];
    otherGradients: string[];
  };
}

const floats = (hex: string) => {
  const b = Buffer.from(hex, 'hex');
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
};

describe('native forward conv paths', () => {
  it('Winograd and the previous paths both pass conformance and agree within its tolerance', () => {
    const on = run(true), off = run(false);
    expect(on.failures).toEqual([]);
    expect(off.failures).toEqual([]);
    expect(on.ran).toBeGreaterThan(20);
    expect(on.ran).toBe(off.ran);
    // The paths differ somewhere: the switch is not a no-op.
    expect(on.outputs.map((o) => o.conv)).not.toEqual(off.outputs.map((o) => o.conv));
    for (const [i, o] of on.outputs.entries()) expect(o.dx, `shape ${i} dx`).not.toEqual(off.outputs[i]!.dx);
    expect(on.otherGradients).toEqual(off.otherGradients);
    for (const [i, o] of on.outputs.entries()) {
      for (const key of ['conv', 'fused', 'dx'] as const) {
        const a = floats(o[key]), b = floats(off.outputs[i]![key]);
        expect(a.length).toBe(b.length);
        // Batch norm's scale (|gamma| / sqrt(1.5 + eps), gamma ~ N(0, 1)) stays below 4 here.
        const atol = 2 * 2e-7 * (key === 'dx' ? o.kDx : o.k) * (key === 'fused' ? 4 : 1);
        let worst = 0;
        for (let j = 0; j < a.length; j++) worst = Math.max(worst, Math.abs(a[j]! - b[j]!) - atol - 2e-5 * Math.abs(b[j]!));
        expect(worst, `shape ${i} ${key}`).toBeLessThanOrEqual(0);
      }
    }
  });
});
