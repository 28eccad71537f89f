import {
  argmaxRangeError,
  dispose,
  makeTensor,
  poolGeometry,
  sizeOf,
  validated,
  type Backend,
  type BatchNormInferenceParams,
  type MaxPoolOptions,
  type Shape,
  type Tensor,
} from '@batchwise/core';
import type { FullAddon } from '../addon.js';
import { outputF32, outputI32 } from './output.js';
import { planBatchNormBackward, planBatchNormTraining, runPlan } from './plans.js';
import { geometryArgs } from './validated.js';

type NormPoolKernels = Pick<
  Backend,
  'batchNormTraining' | 'batchNormInference' | 'batchNormBackward' | 'maxPool' | 'maxPoolInference' | 'maxPoolBackward'
>;

export function normPoolKernels(addon: FullAddon): NormPoolKernels {
  // maxPool's forward; maxPoolInference runs it too and gives its argmax back to the pool at once.
  const runMaxPool = (x: Tensor, o: MaxPoolOptions, fn: 'maxPool' | 'maxPoolInference') => {
    const g = poolGeometry(x.shape, o, fn);
    const shape = [g.batch, g.outHeight, g.outWidth, g.inChannels];
    const y = outputF32(sizeOf(shape));
    const argmax = outputI32(y.length);
    addon.maxPool(x.data, x.shape, o.poolSize, o.strides, o.padding, geometryArgs(g, g.inChannels), y, argmax);
    return { y: makeTensor(y, shape), argmax };
  };
  return {
    batchNormTraining: validated('batchNormTraining', (x, gamma, beta, o) => runPlan(addon, planBatchNormTraining(x, gamma, beta, o))),
    batchNormInference: validated('batchNormInference', (x: Tensor, p: BatchNormInferenceParams) => {
      const y = outputF32(x.size);
      addon.batchNormInference(x.data, x.shape, p.mean.data, p.variance.data, p.gamma.data, p.beta.data, p.epsilon, y);
      return makeTensor(y, x.shape);
    }),
    batchNormBackward: validated('batchNormBackward', (dy, p) => runPlan(addon, planBatchNormBackward(dy, p))),
    maxPool: validated('maxPool', (x: Tensor, o: MaxPoolOptions) => runMaxPool(x, o, 'maxPool')),
    // The AVX rows compute the indices alongside the values at little cost, so
    // native has no values-only rows; a fresh Int32Array instead of the pooled
    // scratch would be zero-filled and faulted in on every call.
    maxPoolInference: validated('maxPoolInference', (x: Tensor, o: MaxPoolOptions) => {
      const { y, argmax } = runMaxPool(x, o, 'maxPoolInference');
      dispose(argmax);
      return y;
    }),
    maxPoolBackward: validated('maxPoolBackward', (dy: Tensor, argmax: Int32Array, inputShape: Shape) => {
      const dx = outputF32(sizeOf(inputShape));
      try {
        // The addon scans argmax (vectorised) before writing; TypeScript scans it only to report a failure.
        addon.maxPoolBackward(dy.data, dy.shape, argmax, inputShape, dx);
      } catch (e) {
        throw argmaxRangeError(argmax, dx.length) ?? e;
      }
      return makeTensor(dx, inputShape);
    }),
  };
}
