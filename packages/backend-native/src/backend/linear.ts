import { makeTensor, validated, type Backend, type MatMulOptions, type Tensor } from '@batchwise/core';
import type { FullAddon } from '../addon.js';
import { outputF32 } from './output.js';

export function linearKernels(addon: FullAddon): Pick<Backend, 'matMul' | 'transpose'> {
  const matMul = addon.matMul;
  return {
    // matMul runs at every dense layer, so it calls its entry directly: no plan object and
    // argument list per call (planMatMul, for the async kernel) and no lookup of the entry by
    // name at runPlan's call site, which every plan's entry passes through.
    matMul: validated('matMul', (a: Tensor, b: Tensor, options: MatMulOptions = {}) => {
      const ta = options.transposeA ?? false;
      const tb = options.transposeB ?? false;
      const m = ta ? a.shape[1] : a.shape[0];
      const n = tb ? b.shape[0] : b.shape[1];
      const out = outputF32(m * n);
      matMul(a.data, a.shape, b.data, b.shape, ta, tb, out);
      return makeTensor(out, [m, n]);
    }),
    transpose: validated('transpose', (x: Tensor, perm: readonly number[]) => {
      const out = outputF32(x.size);
      addon.transpose(x.data, x.shape, perm, out);
      return makeTensor(out, perm.map((p) => x.shape[p]));
    }),
  };
}
