import {
  argmaxRangeError,
  conv2dGeometry,
  poolGeometry,
  type BatchNormInferenceParams,
  type BatchNormReluBackwardParams,
  type BatchNormReluOptions,
  type Conv2DBatchNormReluBackwardFilterParams,
  type Conv2DBatchNormReluOptions,
  type Conv2DBatchNormReluTrainingOptions,
  type FusedKernels,
  type MaxPoolOptions,
  type Tensor,
  type WindowGeometry,
} from '@batchwise/core';
import { KernelCall } from '../runtime/call.js';
import type { WasmRuntime } from '../runtime/runtime.js';
import { argmaxOutput, int32Input, outputTensor } from '../runtime/storage.js';
import { geometryArgs } from './conv.js';
import { validatedFused } from './validated.js';

/*
 * The fused kernels (core's FusedKernels), on the native backend's fused
 * kernel bodies: the argument order of backend-native's src/backend/fused.ts,
 * re-checked in csrc/entry/bind-fused.cc. The layers run their BN-ReLU(-pool)
 * and conv-BN-ReLU(-pool) chains through them when the backend has them.
 */

const PADDINGS = ['same', 'valid'] as const;

/** poolSize, strides, padding and the pool's geometry on its input. */
function pool(call: KernelCall, o: MaxPoolOptions, g: WindowGeometry): KernelCall {
  return call.array(o.poolSize).array(o.strides).oneOf(o.padding, PADDINGS).array(geometryArgs(g, g.inChannels));
}

/** x, filter and the convolution's window, as the conv2d entry reads them. */
function conv(call: KernelCall, x: Tensor, filter: Tensor, o: Conv2DBatchNormReluOptions): { call: KernelCall; g: ReturnType<typeof conv2dGeometry> } {
  const g = conv2dGeometry(x.shape, filter.shape, o);
  call.tensor(x).array(x.shape).tensor(filter).array(filter.shape).array(o.strides).oneOf(o.padding, PADDINGS).array(o.dilations).array(geometryArgs(g, g.outChannels));
  return { call, g };
}

export function fusedKernels(rt: WasmRuntime): Required<FusedKernels> {
  return {
    batchNormReluTraining: validatedFused('batchNormReluTraining', (x: Tensor, gamma: Tensor, beta: Tensor, o: BatchNormReluOptions) => {
      const c = x.shape[x.rank - 1];
      const fn = o.pool ? 'batchNormReluPoolTraining' : 'batchNormReluTraining';
      const mean = outputTensor(rt, fn, [c]), variance = outputTensor(rt, fn, [c]), invStd = outputTensor(rt, fn, [c]);
      const stats = { mean: mean.tensor, variance: variance.tensor, invStd: invStd.tensor };
      const call = new KernelCall(rt, fn).tensor(x).array(x.shape).tensor(gamma).tensor(beta).number(o.epsilon);
      if (!o.pool) {
        const y = outputTensor(rt, fn, x.shape);
        call.output(y.storage).output(mean.storage).output(variance.storage).output(invStd.storage).run();
        return { y: y.tensor, ...stats };
      }
      const g = poolGeometry(x.shape, o.pool);
      const y = outputTensor(rt, fn, [g.batch, g.outHeight, g.outWidth, g.inChannels]);
      const argmax = argmaxOutput(rt, fn, y.storage.length);
      pool(call, o.pool, g).output(y.storage).outputInt32(argmax.storage).output(mean.storage).output(variance.storage).output(invStd.storage).run();
      return { y: y.tensor, argmax: argmax.handOut(), ...stats };
    }),
    batchNormReluBackward: validatedFused('batchNormReluBackward', (dy: Tensor, p: BatchNormReluBackwardParams) => {
      const c = p.x.shape[p.x.rank - 1];
      if (!p.argmax || !p.pool) {
        const fn = 'batchNormReluBackward';
        const dx = outputTensor(rt, fn, p.x.shape), dgamma = outputTensor(rt, fn, [c]), dbeta = outputTensor(rt, fn, [c]);
        new KernelCall(rt, fn)
          .tensor(dy).array(dy.shape).tensor(p.x).tensor(p.gamma).tensor(p.mean).tensor(p.invStd).tensor(p.y)
          .output(dx.storage).output(dgamma.storage).output(dbeta.storage)
          .run();
        return { dx: dx.tensor, dgamma: dgamma.tensor, dbeta: dbeta.tensor };
      }
      const fn = 'batchNormReluPoolBackward';
      const g = poolGeometry(p.x.shape, p.pool);
      const dx = outputTensor(rt, fn, p.x.shape), dgamma = outputTensor(rt, fn, [c]), dbeta = outputTensor(rt, fn, [c]);
      const indices = int32Input(rt, fn, p.argmax);
      try {
        // The module scans argmax (vectorised) before writing; TypeScript scans it only to report a failure.
        const call = new KernelCall(rt, fn)
          .tensor(dy).array(dy.shape).tensor(p.x).array(p.x.shape).tensor(p.gamma).tensor(p.mean).tensor(p.invStd).tensor(p.y)
          .int32(indices.storage);
        pool(call, p.pool, g).output(dx.storage).output(dgamma.storage).output(dbeta.storage).run();
      } catch (e) {
        throw argmaxRangeError(p.argmax, p.x.size) ?? e;
      } finally {
        indices.done();
      }
      return { dx: dx.tensor, dgamma: dgamma.tensor, dbeta: dbeta.tensor };
    }),
    conv2dBatchNormRelu: validatedFused('conv2dBatchNormRelu', (x: Tensor, filter: Tensor, p: BatchNormInferenceParams, o: Conv2DBatchNormReluOptions) => {
      const fn = o.pool ? 'conv2dBatchNormReluPool' : 'conv2dBatchNormRelu';
      const { call, g } = conv(new KernelCall(rt, fn), x, filter, o);
      call.tensor(p.mean).tensor(p.variance).tensor(p.gamma).tensor(p.beta).number(p.epsilon);
      const z = [g.batch, g.outHeight, g.outWidth, g.outChannels];
      if (!o.pool) {
        const y = outputTensor(rt, fn, z);
        call.output(y.storage).run();
        return y.tensor;
      }
      const pg = poolGeometry(z, o.pool);
      const y = outputTensor(rt, fn, [pg.batch, pg.outHeight, pg.outWidth, pg.inChannels]);
      pool(call, o.pool, pg).output(y.storage).run();
      return y.tensor;
    }),
    conv2dBatchNormReluTraining: validatedFused(
      'conv2dBatchNormReluTraining',
      (x: Tensor, filter: Tensor, gamma: Tensor, beta: Tensor, o: Conv2DBatchNormReluTrainingOptions) => {
        const fn = o.pool ? 'conv2dBatchNormReluPoolTraining' : 'conv2dBatchNormReluTraining';
        const { call, g } = conv(new KernelCall(rt, fn), x, filter, o);
        call.tensor(gamma).tensor(beta).number(o.epsilon);
        const c = g.outChannels;
        const zShape = [g.batch, g.outHeight, g.outWidth, c];
        const z = outputTensor(rt, fn, zShape);
        const mean = outputTensor(rt, fn, [c]), variance = outputTensor(rt, fn, [c]), invStd = outputTensor(rt, fn, [c]);
        const stats = { z: z.tensor, mean: mean.tensor, variance: variance.tensor, invStd: invStd.tensor };
        if (!o.pool) {
          const y = outputTensor(rt, fn, zShape);
          call.output(z.storage).output(y.storage).output(mean.storage).output(variance.storage).output(invStd.storage).run();
          return { y: y.tensor, ...stats };
        }
        const pg = poolGeometry(zShape, o.pool);
        const y = outputTensor(rt, fn, [pg.batch, pg.outHeight, pg.outWidth, pg.inChannels]);
        const argmax = argmaxOutput(rt, fn, y.storage.length);
        pool(call, o.pool, pg)
          .output(z.storage).output(y.storage).outputInt32(argmax.storage).output(mean.storage).output(variance.storage).output(invStd.storage)
          .run();
        return { y: y.tensor, argmax: argmax.handOut(), ...stats };
      },
    ),
    conv2dBatchNormReluBackwardFilter: validatedFused('conv2dBatchNormReluBackwardFilter', (dy: Tensor, p: Conv2DBatchNormReluBackwardFilterParams) => {
      const pooled = p.argmax !== undefined && p.pool !== undefined;
      const fn = pooled ? 'conv2dBatchNormReluPoolBackwardFilter' : 'conv2dBatchNormReluBackwardFilter';
      const { call, g } = conv(new KernelCall(rt, fn), p.input, p.filter, p.conv);
      const c = g.outChannels;
      call.tensor(dy).array(dy.shape).tensor(p.x).tensor(p.gamma).tensor(p.mean).tensor(p.invStd).tensor(p.y);
      const dfilter = outputTensor(rt, fn, p.filter.shape), dgamma = outputTensor(rt, fn, [c]), dbeta = outputTensor(rt, fn, [c]);
      if (!pooled) {
        call.output(dfilter.storage).output(dgamma.storage).output(dbeta.storage).run();
        return { dfilter: dfilter.tensor, dgamma: dgamma.tensor, dbeta: dbeta.tensor };
      }
      const indices = int32Input(rt, fn, p.argmax!);
      try {
        // The module checks argmax before following it; TypeScript scans it only to report a failure.
        pool(call.int32(indices.storage), p.pool!, poolGeometry(p.x.shape, p.pool!)).output(dfilter.storage).output(dgamma.storage).output(dbeta.storage).run();
      } catch (e) {
        throw argmaxRangeError(p.argmax!, p.x.size) ?? e;
      } finally {
        indices.done();
      }
      return { dfilter: dfilter.tensor, dgamma: dgamma.tensor, dbeta: dbeta.tensor };
    }),
  };
}
