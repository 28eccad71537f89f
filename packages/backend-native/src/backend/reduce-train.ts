import {
  makeTensor,
  normalizeAxis,
  sizeOf,
  validated,
  type AdamOptions,
  type Backend,
  type ReduceOptions,
  type SgdOptions,
  type Tensor,
} from '@batchwise/core';
import type { FullAddon } from '../addon.js';
import { outputF32 } from './output.js';

type ReduceTrainKernels = Pick<Backend, 'sum' | 'mean' | 'max' | 'argMax' | 'softmaxCrossEntropy' | 'sgdUpdate' | 'adamUpdate'>;

function reducer(addon: FullAddon, name: 'sum' | 'mean' | 'max') {
  return validated(name, (x: Tensor, options: ReduceOptions = {}) => {
    const axes = (options.axes ?? x.shape.map((_, i) => i)).map((a) => normalizeAxis(a, x.rank));
    const shape = x.shape.flatMap((d, i) => (axes.includes(i) ? (options.keepDims ? [1] : []) : [d]));
    const out = outputF32(sizeOf(shape));
    addon[name](x.data, x.shape, axes, out);
    return makeTensor(out, shape);
  });
}

export function reduceTrainKernels(addon: FullAddon): ReduceTrainKernels {
  return {
    sum: reducer(addon, 'sum'),
    mean: reducer(addon, 'mean'),
    max: reducer(addon, 'max'),
    argMax: validated('argMax', (x: Tensor) => {
      const shape = x.shape.slice(0, -1);
      const out = outputF32(sizeOf(shape));
      addon.argMax(x.data, x.shape, out);
      return makeTensor(out, shape);
    }),
    softmaxCrossEntropy: validated('softmaxCrossEntropy', (logits: Tensor, labels: Tensor) => {
      const shape = logits.shape.slice(0, -1);
      const loss = outputF32(sizeOf(shape));
      const dlogits = outputF32(logits.size);
      addon.softmaxCrossEntropy(logits.data, labels.data, logits.shape, loss, dlogits);
      return { loss: makeTensor(loss, shape), dlogits: makeTensor(dlogits, logits.shape) };
    }),
    sgdUpdate: validated('sgdUpdate', (param: Tensor, grad: Tensor, velocity: Tensor | null, o: SgdOptions) => {
      addon.sgdUpdate(param.data, grad.data, velocity ? velocity.data : null, o.learningRate, o.momentum, o.nesterov);
    }),
    adamUpdate: validated('adamUpdate', (param: Tensor, grad: Tensor, m: Tensor, v: Tensor, o: AdamOptions) => {
      addon.adamUpdate(param.data, grad.data, m.data, v.data, o.learningRate, o.beta1, o.beta2, o.epsilon, o.step);
    }),
  };
}
