import {
  makeTensor,
  poolGeometry,
  sizeOf,
  type Backend,
  type BatchNormBackwardParams,
  type BatchNormInferenceParams,
  type BatchNormTrainingOptions,
  type MaxPoolOptions,
  type Shape,
  type Tensor,
} from '@batchwise/core';
import type { FullAddon } from '../addon.js';
import { geometryArgs, validated } from './validated.js';

type NormPoolKernels = Pick<
  Backend,
  'batchNormTraining' | 'batchNormInference' | 'batchNormBackward' | 'maxPool' | 'maxPoolBackward'
>;

export function normPoolKernels(addon: FullAddon): NormPoolKernels {
  return {
    batchNormTraining: validated('batchNormTraining', (x: Tensor, gamma: Tensor, beta: Tensor, o: BatchNormTrainingOptions) => {
      const c = x.shape[x.rank - 1];
      const y = new Float32Array(x.size);
      const mean = new Float32Array(c);
      const variance = new Float32Array(c);
      const invStd = new Float32Array(c);
      addon.batchNormTraining(x.data, x.shape, gamma.data, beta.data, o.epsilon, y, mean, variance, invStd);
      return {
        y: makeTensor(y, x.shape),
        mean: makeTensor(mean, [c]),
        variance: makeTensor(variance, [c]),
        invStd: makeTensor(invStd, [c]),
      };
    }),
    batchNormInference: validated('batchNormInference', (x: Tensor, p: BatchNormInferenceParams) => {
      const y = new Float32Array(x.size);
      addon.batchNormInference(x.data, x.shape, p.mean.data, p.variance.data, p.gamma.data, p.beta.data, p.epsilon, y);
      return makeTensor(y, x.shape);
    }),
    batchNormBackward: validated('batchNormBackward', (dy: Tensor, p: BatchNormBackwardParams) => {
      const c = dy.shape[dy.rank - 1];
      const dx = new Float32Array(dy.size);
      const dgamma = new Float32Array(c);
      const dbeta = new Float32Array(c);
      addon.batchNormBackward(dy.data, dy.shape, p.x.data, p.gamma.data, p.mean.data, p.invStd.data, dx, dgamma, dbeta);
      return { dx: makeTensor(dx, dy.shape), dgamma: makeTensor(dgamma, [c]), dbeta: makeTensor(dbeta, [c]) };
    }),
    maxPool: validated('maxPool', (x: Tensor, o: MaxPoolOptions) => {
      const g = poolGeometry(x.shape, o);
      const shape = [g.batch, g.outHeight, g.outWidth, g.inChannels];
      const y = new Float32Array(sizeOf(shape));
      const argmax = new Int32Array(y.length);
      addon.maxPool(x.data, x.shape, o.poolSize, o.strides, o.padding, geometryArgs(g, g.inChannels), y, argmax);
      return { y: makeTensor(y, shape), argmax };
    }),
    maxPoolBackward: validated('maxPoolBackward', (dy: Tensor, argmax: Int32Array, inputShape: Shape) => {
      const dx = new Float32Array(sizeOf(inputShape));
      addon.maxPoolBackward(dy.data, dy.shape, argmax, inputShape, dx);
      return makeTensor(dx, inputShape);
    }),
  };
}
