import type { Conv2DOptions, Random, Tensor } from '@batchwise/core';
import { normal } from '../inputs.js';
import { fromTensor, refConv2d, refConv2dBackpropFilter, refConv2dBackpropInput, refConvOutputShape } from '../references/index.js';
import { accumulated } from '../tolerance.js';
import { comparisonCase } from './comparison.js';
import { randomConvCases } from './random-shapes.js';
import type { ConformanceCase } from './types.js';

/** One conv geometry, shared by conv2d and both backward kernels. */
export interface ConvGeometryCase {
  name: string;
  seed: number;
  input: [number, number, number, number];
  /** [kh, kw, in, out]. */
  filter: [number, number, number, number];
  strides?: [number, number];
  padding: 'same' | 'valid';
  dilations?: [number, number];
}

/** Edge cases of issue 3: batch 1, 1x1 spatial, one channel, odd sizes with stride 2 and 'same', big kernels, dilation. */
export const CONV_CASES: ConvGeometryCase[] = [
  { name: '3x3 same', seed: 101, input: [2, 6, 6, 3], filter: [3, 3, 3, 4], padding: 'same' },
  { name: '3x3 valid', seed: 102, input: [2, 7, 7, 2], filter: [3, 3, 2, 3], padding: 'valid' },
  { name: 'batch 1', seed: 103, input: [1, 5, 5, 2], filter: [3, 3, 2, 2], padding: 'same' },
  { name: '1x1 spatial input, 3x3 same', seed: 104, input: [2, 1, 1, 4], filter: [3, 3, 4, 2], padding: 'same' },
  { name: '1x1 kernel', seed: 105, input: [2, 4, 4, 3], filter: [1, 1, 3, 5], padding: 'valid' },
  { name: 'one channel in and out', seed: 106, input: [2, 6, 6, 1], filter: [3, 3, 1, 1], padding: 'same' },
  { name: 'odd 7x7 stride 2 same', seed: 107, input: [2, 7, 7, 3], filter: [3, 3, 3, 2], strides: [2, 2], padding: 'same' },
  // in 8, stride 2, kernel 3: total padding 1, so 0 before and 1 after (TF's SAME_UPPER).
  { name: 'even 8x8 stride 2 same (asymmetric pad)', seed: 108, input: [2, 8, 8, 2], filter: [3, 3, 2, 3], strides: [2, 2], padding: 'same' },
  { name: 'odd 9x7 stride 2 same 2x2 kernel', seed: 109, input: [1, 9, 7, 2], filter: [2, 2, 2, 2], strides: [2, 2], padding: 'same' },
  { name: '5x5 kernel larger than stride 2', seed: 110, input: [2, 9, 9, 2], filter: [5, 5, 2, 3], strides: [2, 2], padding: 'same' },
  { name: 'stride 3x2 valid, 3x2 kernel', seed: 111, input: [1, 10, 11, 2], filter: [3, 2, 2, 2], strides: [3, 2], padding: 'valid' },
  { name: 'dilation 2 same', seed: 112, input: [2, 8, 8, 2], filter: [3, 3, 2, 3], padding: 'same', dilations: [2, 2] },
  { name: 'dilation 2 valid', seed: 113, input: [1, 9, 10, 3], filter: [3, 3, 3, 2], padding: 'valid', dilations: [2, 2] },
  { name: 'dilation [2,1] stride 2 same', seed: 114, input: [2, 9, 8, 2], filter: [3, 2, 2, 2], strides: [2, 2], padding: 'same', dilations: [2, 1] },
  { name: 'kernel as large as the input, valid', seed: 115, input: [2, 5, 5, 3], filter: [5, 5, 3, 4], padding: 'valid' },
  { name: 'kernel larger than the input, same', seed: 116, input: [1, 3, 3, 2], filter: [5, 5, 2, 2], padding: 'same' },
  { name: 'large 8x28x28x16 -> 32', seed: 117, input: [8, 28, 28, 16], filter: [3, 3, 16, 32], padding: 'same' },
  // 16+ input channels, where a backend may read patches in place (native's indirect path):
  // output pixels and channels that fill no register tile evenly, padding on every side.
  { name: 'wide, odd 11x9 stride 2 same, 20 -> 40', seed: 118, input: [1, 11, 9, 20], filter: [3, 3, 20, 40], strides: [2, 2], padding: 'same' },
  { name: 'wide, dilation 2 valid, 24 -> 33', seed: 119, input: [2, 10, 9, 24], filter: [3, 3, 24, 33], padding: 'valid', dilations: [2, 2] },
  { name: 'wide, 5x5 same on 6x6, 16 -> 70', seed: 120, input: [1, 6, 6, 16], filter: [5, 5, 16, 70], padding: 'same' },
  // 3x3 stride 1 with 16+ channels, where a backend may use Winograd's F(2x2, 3x3) (native):
  // odd output sizes (tiles cut by the edge) and output channels that fill no register tile.
  { name: 'winograd-sized, odd 7x9 same, 16 -> 33', seed: 121, input: [2, 7, 9, 16], filter: [3, 3, 16, 33], padding: 'same' },
  { name: 'winograd-sized, 9x8 valid, 24 -> 16', seed: 122, input: [3, 9, 8, 24], filter: [3, 3, 24, 16], padding: 'valid' },
  // The input gradient of a 3x3 stride-1 conv is a 3x3 stride-1 conv of dy (channels swapped,
  // 'valid' becoming 'full' padding 2), where a backend may use Winograd too: channel counts
  // that fill no register tile on either side, odd sizes whose last tiles are cut.
  { name: 'winograd-sized, odd 5x7 same, 17 -> 20', seed: 123, input: [3, 5, 7, 17], filter: [3, 3, 17, 20], padding: 'same' },
  { name: 'winograd-sized, odd 9x7 valid, 20 -> 18', seed: 124, input: [2, 9, 7, 20], filter: [3, 3, 20, 18], padding: 'valid' },
  { name: 'winograd-sized, 3x3 valid on 3x4, 16 -> 40', seed: 125, input: [2, 3, 4, 16], filter: [3, 3, 16, 40], padding: 'valid' },
];

export function convOptions(c: ConvGeometryCase): Conv2DOptions {
  return { strides: c.strides ?? [1, 1], padding: c.padding, dilations: c.dilations ?? [1, 1] };
}

interface ConvInputs {
  x: Tensor;
  filter: Tensor;
  dy: Tensor;
}

function makeInputs(c: ConvGeometryCase) {
  return (rng: Random): ConvInputs => {
    const x = normal(rng, c.input);
    const filter = normal(rng, c.filter);
    const dy = normal(rng, refConvOutputShape(c.input, c.filter, convOptions(c)));
    return { x, filter, dy };
  };
}

export function convCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  for (const c of [...CONV_CASES, ...randomConvCases()]) {
    const o = convOptions(c);
    const [kh, kw, ci, co] = c.filter;
    const outShape = refConvOutputShape(c.input, c.filter, o);
    const make = makeInputs(c);
    out.push(
      comparisonCase({
        kernel: 'conv2d', name: c.name, seed: c.seed, make,
        tolerance: accumulated(kh * kw * ci),
        run: (b, i) => ({ y: b.conv2d(i.x, i.filter, o) }),
        reference: (i) => ({ y: refConv2d(fromTensor(i.x), fromTensor(i.filter), o) }),
      }),
      comparisonCase({
        kernel: 'conv2dBackpropInput', name: c.name, seed: c.seed, make,
        tolerance: accumulated(kh * kw * co),
        run: (b, i) => ({ dx: b.conv2dBackpropInput(i.dy, i.filter, c.input, o) }),
        reference: (i) => ({ dx: refConv2dBackpropInput(fromTensor(i.dy), fromTensor(i.filter), c.input, o) }),
      }),
      comparisonCase({
        kernel: 'conv2dBackpropFilter', name: c.name, seed: c.seed, make,
        tolerance: accumulated(outShape[0] * outShape[1] * outShape[2]),
        run: (b, i) => ({ dfilter: b.conv2dBackpropFilter(i.x, i.dy, c.filter, o) }),
        reference: (i) => ({ dfilter: refConv2dBackpropFilter(fromTensor(i.x), fromTensor(i.dy), c.filter, o) }),
      }),
    );
  }
  return out;
}
