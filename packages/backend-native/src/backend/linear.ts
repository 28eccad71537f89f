import { makeTensor, type Backend, type MatMulOptions, type Tensor } from '@batchwise/core';
import type { FullAddon } from '../addon.js';
import { validated } from './validated.js';

export function linearKernels(addon: FullAddon): Pick<Backend, 'matMul' | 'transpose'> {
  return {
    matMul: validated('matMul', (a: Tensor, b: Tensor, options: MatMulOptions = {}) => {
      const ta = options.transposeA ?? false;
      const tb = options.transposeB ?? false;
      const m = ta ? a.shape[1] : a.shape[0];
      const n = tb ? b.shape[0] : b.shape[1];
      const out = new Float32Array(m * n);
      addon.matMul(a.data, a.shape, b.data, b.shape, ta, tb, out);
      return makeTensor(out, [m, n]);
    }),
    transpose: validated('transpose', (x: Tensor, perm: readonly number[]) => {
      const out = new Float32Array(x.size);
      addon.transpose(x.data, x.shape, perm, out);
      return makeTensor(out, perm.map((p) => x.shape[p]));
    }),
  };
}
