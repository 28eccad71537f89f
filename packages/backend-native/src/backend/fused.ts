import {
  argmaxRangeError,
  conv2dGeometry,
  makeTensor,
  poolGeometry,
  type BatchNormInferenceParams,
  type Conv2DBatchNormReluBackwardFilterParams,
  type Conv2DBatchNormReluOptions,
  type Conv2DBatchNormReluTrainingOptions,
  type BatchNormReluBackwardParams,
  type BatchNormReluOptions,
  type FusedKernels,
  type Tensor,
} from '@batchwise/core';
import type { FullAddon } from '../addon.js';
import { fusedConvPlan } from './conv-plan-cache.js';
import { outputF32, outputI32 } from './output.js';
import { geometryArgs, validatedFused } from './validated.js';

type NativeFusedKernels = Required<FusedKernels>;

export function fusedKernels(addon: FullAddon): NativeFusedKernels {
  return {
    batchNormReluTraining: validatedFused('batchNormReluTraining', (x: Tensor, gamma: Tensor, beta: Tensor, o: BatchNormReluOptions) => {
      const c = x.shape[x.rank - 1];
      const mean = outputF32(c);
      const variance = outputF32(c);
      const invStd = outputF32(c);
      const stats = { mean: makeTensor(mean, [c]), variance: makeTensor(variance, [c]), invStd: makeTensor(invStd, [c]) };
      if (!o.pool) {
        const y = outputF32(x.size);
        addon.batchNormReluTraining(x.data, x.shape, gamma.data, beta.data, o.epsilon, y, mean, variance, invStd);
        return { y: makeTensor(y, x.shape), ...stats };
      }
      const g = poolGeometry(x.shape, o.pool);
      const shape = [g.batch, g.outHeight, g.outWidth, g.inChannels];
      const y = outputF32(shape.reduce((a, b) => a * b, 1));
      const argmax = outputI32(y.length);
      addon.batchNormReluPoolTraining(
        x.data, x.shape, gamma.data, beta.data, o.epsilon, o.pool.poolSize, o.pool.strides, o.pool.padding, geometryArgs(g, g.inChannels),
        y, argmax, mean, variance, invStd,
      );
      return { y: makeTensor(y, shape), argmax, ...stats };
    }),
    batchNormReluBackward: validatedFused('batchNormReluBackward', (dy: Tensor, p: BatchNormReluBackwardParams) => {
      const c = p.x.shape[p.x.rank - 1];
      const dx = outputF32(p.x.size);
      const dgamma = outputF32(c);
      const dbeta = outputF32(c);
      if (!p.argmax || !p.pool) {
        addon.batchNormReluBackward(dy.data, dy.shape, p.x.data, p.gamma.data, p.mean.data, p.invStd.data, p.y.data, dx, dgamma, dbeta);
      } else {
        const g = poolGeometry(p.x.shape, p.pool);
        try {
          // The addon scans argmax (vectorised) before writing; TypeScript scans it only to report a failure.
          addon.batchNormReluPoolBackward(
            dy.data, dy.shape, p.x.data, p.x.shape, p.gamma.data, p.mean.data, p.invStd.data, p.y.data, p.argmax,
            p.pool.poolSize, p.pool.strides, p.pool.padding, geometryArgs(g, g.inChannels), dx, dgamma, dbeta,
          );
        } catch (e) {
          throw argmaxRangeError(p.argmax, p.x.size) ?? e;
        }
      }
      return { dx: makeTensor(dx, p.x.shape), dgamma: makeTensor(dgamma, [c]), dbeta: makeTensor(dbeta, [c]) };
    }),
    conv2dBatchNormRelu: validatedFused('conv2dBatchNormRelu', (x: Tensor, filter: Tensor, p: BatchNormInferenceParams, o: Conv2DBatchNormReluOptions) => {
      // Geometry and output shape of these argument values, cached (conv-plan-cache.ts).
      const plan = fusedConvPlan(x.shape, filter.shape, o);
      const y = outputF32(plan.size);
      // Arguments written out: a spread call walks the array iterator, which showed at batch 1.
      if (!o.pool || !plan.poolGeometry || !plan.poolSize || !plan.poolStrides) {
        addon.conv2dBatchNormRelu(
          x.data, plan.xShape, filter.data, plan.filterShape, plan.strides, o.padding, plan.dilations, plan.geometry,
          p.mean.data, p.variance.data, p.gamma.data, p.beta.data, p.epsilon, y,
        );
      } else {
        addon.conv2dBatchNormReluPool(
          x.data, plan.xShape, filter.data, plan.filterShape, plan.strides, o.padding, plan.dilations, plan.geometry,
          p.mean.data, p.variance.data, p.gamma.data, p.beta.data, p.epsilon,
          plan.poolSize, plan.poolStrides, o.pool.padding, plan.poolGeometry, y,
        );
      }
      return makeTensor(y, plan.shape);
    }),
    conv2dBatchNormReluTraining: validatedFused(
      'conv2dBatchNormReluTraining',
      (x: Tensor, filter: Tensor, gamma: Tensor, beta: Tensor, o: Conv2DBatchNormReluTrainingOptions) => {
        const g = conv2dGeometry(x.shape, filter.shape, o);
        const zShape = [g.batch, g.outHeight, g.outWidth, g.outChannels];
        const c = g.outChannels;
        const conv = [x.data, x.shape, filter.data, filter.shape, o.strides, o.padding, o.dilations, geometryArgs(g, c)] as const;
        const z = outputF32(zShape.reduce((a, b) => a * b, 1));
        const mean = outputF32(c);
        const variance = outputF32(c);
        const invStd = outputF32(c);
        const stats = { z: makeTensor(z, zShape), mean: makeTensor(mean, [c]), variance: makeTensor(variance, [c]), invStd: makeTensor(invStd, [c]) };
        if (!o.pool) {
          const y = outputF32(z.length);
          addon.conv2dBatchNormReluTraining(...conv, gamma.data, beta.data, o.epsilon, z, y, mean, variance, invStd);
          return { y: makeTensor(y, zShape), ...stats };
        }
        const pg = poolGeometry(zShape, o.pool);
        const shape = [pg.batch, pg.outHeight, pg.outWidth, pg.inChannels];
        const y = outputF32(shape.reduce((a, b) => a * b, 1));
        const argmax = outputI32(y.length);
        addon.conv2dBatchNormReluPoolTraining(
          ...conv, gamma.data, beta.data, o.epsilon, o.pool.poolSize, o.pool.strides, o.pool.padding, geometryArgs(pg, c), z, y, argmax, mean, variance, invStd,
        );
        return { y: makeTensor(y, shape), argmax, ...stats };
      },
    ),
    conv2dBatchNormReluBackwardFilter: validatedFused('conv2dBatchNormReluBackwardFilter', (dy: Tensor, p: Conv2DBatchNormReluBackwardFilterParams) => {
      const g = conv2dGeometry(p.input.shape, p.filter.shape, p.conv);
      const c = g.outChannels;
      const conv = [
        p.input.data, p.input.shape, p.filter.data, p.filter.shape, p.conv.strides, p.conv.padding, p.conv.dilations, geometryArgs(g, c),
        dy.data, dy.shape, p.x.data, p.gamma.data, p.mean.data, p.invStd.data, p.y.data,
      ] as const;
      const dfilter = outputF32(p.filter.size);
      const dgamma = outputF32(c);
      const dbeta = outputF32(c);
      if (!p.argmax || !p.pool) {
        addon.conv2dBatchNormReluBackwardFilter(...conv, dfilter, dgamma, dbeta);
      } else {
        const pg = poolGeometry(p.x.shape, p.pool);
        try {
          // The addon checks argmax before following it; TypeScript scans it only to report a failure.
          addon.conv2dBatchNormReluPoolBackwardFilter(
            ...conv, p.argmax, p.pool.poolSize, p.pool.strides, p.pool.padding, geometryArgs(pg, c), dfilter, dgamma, dbeta,
          );
        } catch (e) {
          throw argmaxRangeError(p.argmax, p.x.size) ?? e;
        }
      }
      return { dfilter: makeTensor(dfilter, p.filter.shape), dgamma: makeTensor(dgamma, [c]), dbeta: makeTensor(dbeta, [c]) };
    }),
  };
}
