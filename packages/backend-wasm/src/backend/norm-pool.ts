import {
  argmaxRangeError,
  poolGeometry,
  validated,
  type Backend,
  type BatchNormBackwardParams,
  type BatchNormInferenceParams,
  type BatchNormTrainingOptions,
  type MaxPoolOptions,
  type Shape,
  type Tensor,
} from '@batchwise/core';
import { KernelCall } from '../runtime/call.js';
import type { WasmRuntime } from '../runtime/runtime.js';
import { argmaxOutput, int32Input, outputTensor } from '../runtime/storage.js';
import { geometryArgs } from './conv.js';

type NormPoolKernels = Pick<
  Backend,
  'batchNormTraining' | 'batchNormInference' | 'batchNormBackward' | 'maxPool' | 'maxPoolInference' | 'maxPoolBackward'
>;

const PADDINGS = ['same', 'valid'] as const;

export function normPoolKernels(rt: WasmRuntime): NormPoolKernels {
  return {
    batchNormTraining: validated('batchNormTraining', (x: Tensor, gamma: Tensor, beta: Tensor, o: BatchNormTrainingOptions) => {
      const c = x.shape[x.rank - 1];
      const fn = 'batchNormTraining';
      const y = outputTensor(rt, fn, x.shape), mean = outputTensor(rt, fn, [c]), variance = outputTensor(rt, fn, [c]), invStd = outputTensor(rt, fn, [c]);
      new KernelCall(rt, fn)
        .tensor(x).array(x.shape).tensor(gamma).tensor(beta).number(o.epsilon)
        .output(y.storage).output(mean.storage).output(variance.storage).output(invStd.storage)
        .run();
      return { y: y.tensor, mean: mean.tensor, variance: variance.tensor, invStd: invStd.tensor };
    }),
    batchNormInference: validated('batchNormInference', (x: Tensor, p: BatchNormInferenceParams) => {
      const y = outputTensor(rt, 'batchNormInference', x.shape);
      new KernelCall(rt, 'batchNormInference')
        .tensor(x).array(x.shape).tensor(p.mean).tensor(p.variance).tensor(p.gamma).tensor(p.beta).number(p.epsilon)
        .output(y.storage)
        .run();
      return y.tensor;
    }),
    batchNormBackward: validated('batchNormBackward', (dy: Tensor, p: BatchNormBackwardParams) => {
      const c = dy.shape[dy.rank - 1];
      const fn = 'batchNormBackward';
      const dx = outputTensor(rt, fn, dy.shape), dgamma = outputTensor(rt, fn, [c]), dbeta = outputTensor(rt, fn, [c]);
      new KernelCall(rt, fn)
        .tensor(dy).array(dy.shape).tensor(p.x).tensor(p.gamma).tensor(p.mean).tensor(p.invStd)
        .output(dx.storage).output(dgamma.storage).output(dbeta.storage)
        .run();
      return { dx: dx.tensor, dgamma: dgamma.tensor, dbeta: dbeta.tensor };
    }),
    maxPool: validated('maxPool', (x: Tensor, o: MaxPoolOptions) => {
      const g = poolGeometry(x.shape, o);
      const y = outputTensor(rt, 'maxPool', [g.batch, g.outHeight, g.outWidth, g.inChannels]);
      const argmax = argmaxOutput(rt, 'maxPool', y.storage.length);
      new KernelCall(rt, 'maxPool')
        .tensor(x).array(x.shape).array(o.poolSize).array(o.strides).oneOf(o.padding, PADDINGS).array(geometryArgs(g, g.inChannels))
        .output(y.storage).outputInt32(argmax.storage)
        .run();
      return { y: y.tensor, argmax: argmax.handOut() };
    }),
    maxPoolInference: validated('maxPoolInference', (x: Tensor, o: MaxPoolOptions) => {
      const g = poolGeometry(x.shape, o, 'maxPoolInference');
      const y = outputTensor(rt, 'maxPoolInference', [g.batch, g.outHeight, g.outWidth, g.inChannels]);
      new KernelCall(rt, 'maxPoolInference')
        .tensor(x).array(x.shape).array(o.poolSize).array(o.strides).oneOf(o.padding, PADDINGS).array(geometryArgs(g, g.inChannels))
        .output(y.storage)
        .run();
      return y.tensor;
    }),
    maxPoolBackward: validated('maxPoolBackward', (dy: Tensor, argmax: Int32Array, inputShape: Shape) => {
      const dx = outputTensor(rt, 'maxPoolBackward', inputShape);
      const indices = int32Input(rt, 'maxPoolBackward', argmax);
      try {
        // The module scans argmax (vectorised) before writing; TypeScript scans it only to report a failure.
        new KernelCall(rt, 'maxPoolBackward').tensor(dy).array(dy.shape).int32(indices.storage).array(inputShape).output(dx.storage).run();
      } catch (e) {
        throw argmaxRangeError(argmax, dx.storage.length) ?? e;
      } finally {
        indices.done();
      }
      return dx.tensor;
    }),
  };
}
