import { normalizeAxis, validated, type Backend, type ReduceOptions, type Tensor } from '@batchwise/core';
import { KernelCall } from '../runtime/call.js';
import type { WasmRuntime } from '../runtime/runtime.js';
import { outputTensor } from '../runtime/storage.js';

type ReduceKernels = Pick<Backend, 'sum' | 'mean' | 'max' | 'argMax' | 'softmaxCrossEntropy'>;

function reducer(rt: WasmRuntime, name: 'sum' | 'mean' | 'max'): Backend['sum'] {
  return validated(name, (x: Tensor, options: ReduceOptions = {}) => {
    const axes = (options.axes ?? x.shape.map((_, i) => i)).map((a) => normalizeAxis(a, x.rank));
    const shape = x.shape.flatMap((d, i) => (axes.includes(i) ? (options.keepDims ? [1] : []) : [d]));
    const out = outputTensor(rt, name, shape);
    new KernelCall(rt, name).tensor(x).array(x.shape).array(axes).output(out.storage).run();
    return out.tensor;
  });
}

export function reduceKernels(rt: WasmRuntime): ReduceKernels {
  return {
    sum: reducer(rt, 'sum'),
    mean: reducer(rt, 'mean'),
    max: reducer(rt, 'max'),
    argMax: validated('argMax', (x: Tensor) => {
      const out = outputTensor(rt, 'argMax', x.shape.slice(0, -1));
      new KernelCall(rt, 'argMax').tensor(x).array(x.shape).output(out.storage).run();
      return out.tensor;
    }),
    softmaxCrossEntropy: validated('softmaxCrossEntropy', (logits: Tensor, labels: Tensor) => {
      const fn = 'softmaxCrossEntropy';
      const loss = outputTensor(rt, fn, logits.shape.slice(0, -1)), dlogits = outputTensor(rt, fn, logits.shape);
      new KernelCall(rt, fn).tensor(logits).tensor(labels).array(logits.shape).output(loss.storage).output(dlogits.storage).run();
      return { loss: loss.tensor, dlogits: dlogits.tensor };
    }),
  };
}
