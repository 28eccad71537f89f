import { describe, expect, it } from 'vitest';
import { checkReferenceGradients, GRADIENT_CHECKS, type GradientCheckCase } from '../src/gradient-check.js';
import { array64, refSigmoid } from '../src/references/index.js';

describe('reference backward vs central finite differences', () => {
  it('covers every backward kernel', () => {
    const covered = new Set(GRADIENT_CHECKS.map((c) => c.kernel));
    for (const k of ['conv2dBackpropInput', 'conv2dBackpropFilter', 'batchNormBackward', 'maxPoolBackward', 'biasGrad', 'reluBackward',
      'sigmoidBackward', 'tanhBackward', 'softmaxBackward', 'dropoutBackward', 'softmaxCrossEntropy']) {
      expect(covered).toContain(k);
    }
  });

  for (const r of checkReferenceGradients()) {
    it(`${r.kernel}: ${r.case}`, () => {
      expect(r.message).toBeUndefined();
      expect(r.pass).toBe(true);
    });
  }

  it('catches a wrong backward (sigmoid without the (1 - y) factor)', () => {
    const wrong: GradientCheckCase = {
      kernel: 'sigmoidBackward', name: 'planted', seed: 5,
      make: (rng) => {
        const x = array64([2, 3], Array.from({ length: 6 }, () => rng.normal()));
        return {
          params: { x },
          forward: () => refSigmoid(x).data,
          backward: (w) => ({ x: array64(x.shape, refSigmoid(x).data.map((y, i) => w[i] * y)) }),
        };
      },
    };
    const [r] = checkReferenceGradients([wrong]);
    expect(r.pass).toBe(false);
    expect(r.message).toMatch(/sigmoidBackward reference backward 'planted' \(seed 5\): d\/dx worst index \d+: finite difference/);
  });
});
