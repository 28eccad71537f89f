import { makeTensor, tidy, type Backend, type Conv2DOptions } from '@batchwise/core';
import { BN_EPSILON, randomData, uniformData } from '../kernels/cases.js';

/*
 * The scaling sweeps: conv2d (3x3 'same', 32 -> 64 channels, the kernel
 * bench's layer) and batch-norm training forward+backward (32 channels), each
 * against the batch size at 28x28 and against the image size at a fixed
 * batch. Work is FLOPs for the convolution (2 per multiply-add) and elements
 * for batch norm (it is memory-bound: time should follow the bytes).
 */

export type ScalingKernel = 'conv2d' | 'batchNorm';
export type Sweep = 'batch' | 'image';

export interface ScalingPoint {
  kernel: ScalingKernel;
  sweep: Sweep;
  batch: number;
  size: number;
  /** FLOPs (conv2d) or elements (batch norm) of one call. */
  work: number;
}

const CONV = { inChannels: 32, outChannels: 64, kernel: 3 } as const;
const BN_CHANNELS = 32;
const CONV_OPTIONS: Conv2DOptions = { strides: [1, 1], padding: 'same', dilations: [1, 1] };

export const SCALING_SWEEPS = {
  full: { batches: [1, 2, 4, 8, 16, 32, 64], sizes: [7, 14, 28, 56, 112], fixedBatch: 8, fixedSize: 28 },
  quick: { batches: [1, 4], sizes: [7, 14], fixedBatch: 2, fixedSize: 14 },
} as const;

export function scalingPoints(quick: boolean): ScalingPoint[] {
  const s = quick ? SCALING_SWEEPS.quick : SCALING_SWEEPS.full;
  const work = (kernel: ScalingKernel, batch: number, size: number) =>
    kernel === 'conv2d' ? 2 * batch * size * size * CONV.outChannels * CONV.kernel * CONV.kernel * CONV.inChannels : batch * size * size * BN_CHANNELS;
  return (['conv2d', 'batchNorm'] as const).flatMap((kernel) => [
    ...s.batches.map((batch) => ({ kernel, sweep: 'batch' as const, batch, size: s.fixedSize, work: work(kernel, batch, s.fixedSize) })),
    ...s.sizes.map((size) => ({ kernel, sweep: 'image' as const, batch: s.fixedBatch, size, work: work(kernel, s.fixedBatch, size) })),
  ]);
}

/** One call of the point's kernel on `backend`, inputs built once; outputs released each call (as training does). */
export function scalingRunner(backend: Backend, p: ScalingPoint): () => void {
  if (p.kernel === 'conv2d') {
    const x = makeTensor(randomData([p.batch, p.size, p.size, CONV.inChannels], 31), [p.batch, p.size, p.size, CONV.inChannels]);
    const fShape = [CONV.kernel, CONV.kernel, CONV.inChannels, CONV.outChannels];
    const f = makeTensor(randomData(fShape, 32), fShape);
    return () => tidy(() => void backend.conv2d(x, f, CONV_OPTIONS));
  }
  const shape = [p.batch, p.size, p.size, BN_CHANNELS];
  const x = makeTensor(randomData(shape, 33), shape);
  const dy = makeTensor(randomData(shape, 34), shape);
  const gamma = makeTensor(uniformData(BN_CHANNELS, 0.5, 1.5, 35), [BN_CHANNELS]);
  const beta = makeTensor(uniformData(BN_CHANNELS, -0.5, 0.5, 36), [BN_CHANNELS]);
  return () =>
    tidy(() => {
      const fwd = backend.batchNormTraining(x, gamma, beta, { epsilon: BN_EPSILON });
      backend.batchNormBackward(dy, { x, gamma, mean: fwd.mean, invStd: fwd.invStd });
    });
}
