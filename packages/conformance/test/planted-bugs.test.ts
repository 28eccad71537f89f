import { describe, expect, it } from 'vitest';
import { runConformance } from '../src/runner.js';
import { createReferenceBackend, plantBug, PLANTED_BUGS, type PlantedBug } from '../src/testing/index.js';

/*
 * The suite proves it can fail (STYLE.md section 7): each planted bug must be
 * caught by its kernel's cases, and the named edge case must be among the
 * catchers where the bug only shows there.
 */

const reference = createReferenceBackend();

/** The case that exists to catch the bug, when only one kind of input shows it. */
const CAUGHT_BY: Partial<Record<PlantedBug, string>> = {
  'one-pass-variance': 'input offset by 1e4, spread 1',
  'maxpool-negative-init': 'windows of -Infinity',
  'maxpool-zero-init': 'all-negative windows',
  'softmax-no-max-shift': 'large logits ±1000',
  'nesterov-ignored': 'nesterov momentum 0.9, 4 steps',
  'argmax-last-on-ties': 'constant rows: first index',
  'cross-entropy-ignores-label-sum': 'labels summing to 2 [3,5]',
  'broadcast-last-axis-only': 'div: rows: axis 0 of [6,4]',
  'bn-relu-pool-before-norm': 'negative gamma, 2x2',
};

describe('planted bugs', () => {
  it('the clean reference backend passes every kernel case', () => {
    const r = runConformance(reference, { groups: ['kernel'] });
    expect(r.results.filter((x) => !x.pass).map((x) => x.message)).toEqual([]);
    expect(r.results.length).toBeGreaterThan(250);
  });

  for (const [bug, { kernel, description }] of Object.entries(PLANTED_BUGS) as Array<[PlantedBug, (typeof PLANTED_BUGS)[PlantedBug]]>) {
    it(`catches ${bug} (${description}) in ${kernel}`, () => {
      const r = runConformance(plantBug(reference, bug), { kernels: [kernel], groups: ['kernel'] });
      const failed = r.results.filter((x) => !x.pass);
      expect(failed.length).toBeGreaterThan(0);
      expect(r.kernels[kernel].pass).toBe(false);
      const expectedCase = CAUGHT_BY[bug];
      if (expectedCase) expect(failed.map((f) => f.case)).toContain(expectedCase);
    });
  }

  it('a bug in one kernel fails only that kernel', () => {
    const r = runConformance(plantBug(reference, 'dgamma-sign'), { groups: ['kernel'] });
    const failing = Object.entries(r.kernels).filter(([, s]) => !s.pass).map(([k]) => k);
    expect(failing).toEqual(['batchNormBackward']);
  });

  it('the padding bug is caught by the ONNX Conv vectors too', () => {
    const r = runConformance(plantBug(reference, 'conv-padding-off-by-one'), { kernels: ['onnx:Conv'], groups: ['onnx'] });
    expect(r.kernels['onnx:Conv'].pass).toBe(false);
  });

  it('a failure names kernel, case, seed, worst index, expected, received and max error', () => {
    const r = runConformance(plantBug(reference, 'dgamma-sign'), { kernels: ['batchNormBackward'], groups: ['kernel'] });
    const message = r.results.find((x) => !x.pass)!.message!;
    expect(message).toMatch(
      /^batchNormBackward '.+' \(seed \d+\): output 'dgamma' worst index \d+: expected -?[\d.e+-]+, received -?[\d.e+-]+, max error [\d.e+-]+ \(atol .+, rtol .+\)\.$/,
    );
  });

  it('reports a kernel that throws as a failure naming the error', () => {
    const broken = { ...reference, relu: () => { throw new Error('boom'); } };
    const r = runConformance(broken, { kernels: ['relu'], groups: ['kernel'] });
    expect(r.kernels.relu.pass).toBe(false);
    expect(r.results[0].message).toContain('threw Error: boom');
  });
});
