import { makeTensor, validated, type Backend, type Tensor } from '@batchwise/core';
import type { FullAddon } from '../addon.js';
import { outputF32 } from './output.js';
import { planMatMul } from './plans.js';

export function linearKernels(addon: FullAddon): Pick<Backend, 'matMul' | 'transpose'> {
  const matMul = addon.matMul;
  return {
    // The entry called directly rather than through runPlan's lookup by name (a lookup site every
    // plan's entry passes, so megamorphic): matMul runs at every dense layer.
    matMul: validated('matMul', (a, b, options) => {
      const plan = planMatMul(a, b, options);
      matMul(...plan.args);
      return plan.result;
    }),
    transpose: validated('transpose', (x: Tensor, perm: readonly number[]) => {
      const out = outputF32(x.size);
      addon.transpose(x.data, x.shape, perm, out);
      return makeTensor(out, perm.map((p) => x.shape[p]));
    }),
  };
}
