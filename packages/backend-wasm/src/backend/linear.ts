import { validated, type Backend, type MatMulOptions, type Tensor } from '@batchwise/core';
import { KernelCall } from '../runtime/call.js';
import type { WasmRuntime } from '../runtime/runtime.js';
import { outputTensor } from '../runtime/storage.js';

export function linearKernels(rt: WasmRuntime): Pick<Backend, 'matMul' | 'transpose'> {
  return {
    matMul: validated('matMul', (a: Tensor, b: Tensor, options: MatMulOptions = {}) => {
      const ta = options.transposeA ?? false;
      const tb = options.transposeB ?? false;
      const m = ta ? a.shape[1] : a.shape[0];
      const n = tb ? b.shape[0] : b.shape[1];
      const out = outputTensor(rt, 'matMul', [m, n]);
      new KernelCall(rt, 'matMul').tensor(a).array(a.shape).tensor(b).array(b.shape).boolean(ta).boolean(tb).output(out.storage).run();
      return out.tensor;
    }),
    transpose: validated('transpose', (x: Tensor, perm: readonly number[]) => {
      const out = outputTensor(rt, 'transpose', perm.map((p) => x.shape[p]));
      new KernelCall(rt, 'transpose').tensor(x).array(x.shape).array(perm).output(out.storage).run();
      return out.tensor;
    }),
  };
}
