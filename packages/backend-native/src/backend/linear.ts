import { makeTensor, validated, type Backend, type Tensor } from '@batchwise/core';
import type { FullAddon } from '../addon.js';
import { outputF32 } from './output.js';
import { planMatMul, runPlan } from './plans.js';

export function linearKernels(addon: FullAddon): Pick<Backend, 'matMul' | 'transpose'> {
  return {
    matMul: validated('matMul', (a, b, options) => runPlan(addon, planMatMul(a, b, options))),
    transpose: validated('transpose', (x: Tensor, perm: readonly number[]) => {
      const out = outputF32(x.size);
      addon.transpose(x.data, x.shape, perm, out);
      return makeTensor(out, perm.map((p) => x.shape[p]));
    }),
  };
}
