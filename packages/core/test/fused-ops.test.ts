import { describe, expect, it } from 'vitest';
import {
  FUSED_KERNEL_NAMES, InvalidArgumentError, KERNEL_NAMES, NotImplementedError, ShapeError, createOps, hasKernel, ones, zeros, type Backend,
} from '../src/index.js';

/** Records which kernel was reached; `fused` says whether the backend has the fused kernels. */
function recordingBackend(calls: string[], fused: boolean): Backend {
  const names = fused ? [...KERNEL_NAMES, ...FUSED_KERNEL_NAMES] : KERNEL_NAMES;
  const kernels = Object.fromEntries(names.map((k) => [k, () => calls.push(k)]));
  return { name: fused ? 'fused' : 'plain', info: () => ({ name: 'rec', threads: 1, simd: 'none' }), ...kernels } as unknown as Backend;
}

const conv = { strides: [1, 1], padding: 'same', dilations: [1, 1] } as const;
const pool = { poolSize: [2, 2], strides: [2, 2], padding: 'valid' } as const;
/** conv2dBatchNormReluBackwardFilter's params for input [1,4,4,2] and filter [3,3,2,5], 'same' (z [1,4,4,5]), without y. */
const filterParams = { input: zeros([1, 4, 4, 2]), filter: zeros([3, 3, 2, 5]), conv, x: zeros([1, 4, 4, 5]), gamma: ones([5]), mean: zeros([5]), invStd: ones([5]) };
const bnParams = (c: number) => ({ mean: zeros([c]), variance: ones([c]), gamma: ones([c]), beta: zeros([c]), epsilon: 1e-3 });

describe('fused kernels in createOps', () => {
  const calls: string[] = [];
  const ops = createOps(recordingBackend(calls, true));
  const plain = createOps(recordingBackend(calls, false));

  it('passes valid calls through to a backend that has them', () => {
    calls.length = 0;
    ops.batchNormReluTraining(zeros([2, 4, 4, 3]), ones([3]), zeros([3]), { epsilon: 1e-3, pool });
    ops.batchNormReluTraining(zeros([5, 3]), ones([3]), zeros([3]), { epsilon: 1e-3 });
    ops.batchNormReluBackward(zeros([2, 2, 2, 3]), { x: zeros([2, 4, 4, 3]), gamma: ones([3]), mean: zeros([3]), invStd: ones([3]), y: zeros([2, 2, 2, 3]), argmax: new Int32Array(24), pool });
    ops.batchNormReluBackward(zeros([5, 3]), { x: zeros([5, 3]), gamma: ones([3]), mean: zeros([3]), invStd: ones([3]), y: zeros([5, 3]) });
    ops.conv2dBatchNormRelu(zeros([1, 4, 4, 2]), zeros([3, 3, 2, 5]), bnParams(5), { ...conv, pool });
    ops.conv2dBatchNormReluTraining(zeros([1, 4, 4, 2]), zeros([3, 3, 2, 5]), ones([5]), zeros([5]), { ...conv, epsilon: 1e-3, pool });
    ops.conv2dBatchNormReluBackwardFilter(zeros([1, 2, 2, 5]), { ...filterParams, y: zeros([1, 2, 2, 5]), argmax: new Int32Array(20), pool });
    ops.conv2dBatchNormReluBackwardFilter(zeros([1, 4, 4, 5]), { ...filterParams, y: zeros([1, 4, 4, 5]) });
    expect(calls).toEqual([
      'batchNormReluTraining', 'batchNormReluTraining', 'batchNormReluBackward', 'batchNormReluBackward', 'conv2dBatchNormRelu', 'conv2dBatchNormReluTraining',
      'conv2dBatchNormReluBackwardFilter', 'conv2dBatchNormReluBackwardFilter',
    ]);
  });

  it('hasKernel tells which backend has them; a missing one throws NotImplementedError after validation', () => {
    expect(FUSED_KERNEL_NAMES.every((k) => hasKernel(k, recordingBackend([], true)))).toBe(true);
    expect(FUSED_KERNEL_NAMES.some((k) => hasKernel(k, recordingBackend([], false)))).toBe(false);
    const call = () => plain.batchNormReluTraining(zeros([5, 3]), ones([3]), zeros([3]), { epsilon: 1e-3 });
    expect(call).toThrow(NotImplementedError);
    expect(call).toThrow("plain: kernel 'batchNormReluTraining' has no implementation in this backend yet.");
    expect(() => plain.batchNormReluTraining(zeros([5, 3]), ones([2]), zeros([3]), { epsilon: 1e-3 })).toThrow(ShapeError);
  });

  const x = zeros([2, 4, 4, 3]);
  const params = { x, gamma: ones([3]), mean: zeros([3]), invStd: ones([3]) };
  const invalid: [string, () => unknown, string, typeof InvalidArgumentError][] = [
    ['training gamma shape', () => ops.batchNormReluTraining(x, ones([2]), zeros([3]), { epsilon: 1e-3 }), 'batchNormReluTraining: gamma must have shape [3], received [2].', ShapeError],
    ['training epsilon', () => ops.batchNormReluTraining(x, ones([3]), zeros([3]), { epsilon: -1 }), 'batchNormReluTraining: epsilon must be in (0, 1.7976931348623157e+308], received -1.', InvalidArgumentError],
    ['training pool on rank 2', () => ops.batchNormReluTraining(zeros([4, 3]), ones([3]), zeros([3]), { epsilon: 1e-3, pool }), 'batchNormReluTraining: pool needs NHWC x (rank 4), received shape [4,3].', ShapeError],
    ['training pool strides', () => ops.batchNormReluTraining(x, ones([3]), zeros([3]), { epsilon: 1e-3, pool: { ...pool, strides: [0, 2] } }), 'batchNormReluTraining: strides must be a pair of positive integers, received [0,2].', InvalidArgumentError],
    ['training pool not an object', () => ops.batchNormReluTraining(x, ones([3]), zeros([3]), { epsilon: 1e-3, pool: 2 as unknown as typeof pool }), 'batchNormReluTraining: pool must be an object { poolSize, strides, padding } or omitted, received number.', InvalidArgumentError],
    ['backward y shape', () => ops.batchNormReluBackward(zeros([2, 4, 4, 3]), { ...params, y: zeros([2, 4, 4, 2]) }), 'batchNormReluBackward: y must have shape [2,4,4,3], received [2,4,4,2].', ShapeError],
    ['backward dy without argmax', () => ops.batchNormReluBackward(zeros([2, 2, 2, 3]), { ...params, y: zeros([2, 2, 2, 3]) }), 'batchNormReluBackward: dy must have shape [2,4,4,3], received [2,2,2,3].', ShapeError],
    ['backward argmax length', () => ops.batchNormReluBackward(zeros([2, 2, 2, 3]), { ...params, y: zeros([2, 2, 2, 3]), argmax: new Int32Array(5), pool }), 'batchNormReluBackward: argmax must have one index per dy element (24), received 5.', ShapeError],
    ['backward argmax type', () => ops.batchNormReluBackward(zeros([2, 2, 2, 3]), { ...params, y: zeros([2, 2, 2, 3]), argmax: [0] as unknown as Int32Array, pool }), 'batchNormReluBackward: argmax must be an Int32Array or omitted, received object.', InvalidArgumentError],
    ['backward batch mismatch', () => ops.batchNormReluBackward(zeros([1, 2, 2, 3]), { ...params, y: zeros([1, 2, 2, 3]), argmax: new Int32Array(12), pool }), 'batchNormReluBackward: with argmax, x must be NHWC with dy\'s batch and channels [1,2,2,3], received [2,4,4,3].', ShapeError],
    ['backward argmax without pool', () => ops.batchNormReluBackward(zeros([2, 2, 2, 3]), { ...params, y: zeros([2, 2, 2, 3]), argmax: new Int32Array(24) }), 'batchNormReluBackward: argmax and pool must be given together (a pooled forward) or both omitted, received argmax only.', InvalidArgumentError],
    ['backward dy not the pooled shape', () => ops.batchNormReluBackward(zeros([2, 2, 2, 3]), { ...params, y: zeros([2, 2, 2, 3]), argmax: new Int32Array(24), pool: { ...pool, poolSize: [4, 4], strides: [4, 4] } }), 'batchNormReluBackward: dy must have the pooled shape [2,1,1,3], received [2,2,2,3].', ShapeError],
    ['conv params shape', () => ops.conv2dBatchNormRelu(zeros([1, 4, 4, 2]), zeros([3, 3, 2, 5]), bnParams(4), conv), 'conv2dBatchNormRelu: mean must have shape [5] (the filter\'s out-channels), received [4].', ShapeError],
    ['conv filter channels', () => ops.conv2dBatchNormRelu(zeros([1, 4, 4, 2]), zeros([3, 3, 3, 5]), bnParams(5), conv), "conv2dBatchNormRelu: filter in-channels (dimension 2) must equal the input's channels 2, received [3,3,3,5].", ShapeError],
    ['conv training gamma shape', () => ops.conv2dBatchNormReluTraining(zeros([1, 4, 4, 2]), zeros([3, 3, 2, 5]), ones([4]), zeros([5]), { ...conv, epsilon: 1e-3 }), "conv2dBatchNormReluTraining: gamma must have shape [5] (the filter's out-channels), received [4].", ShapeError],
    ['conv training epsilon', () => ops.conv2dBatchNormReluTraining(zeros([1, 4, 4, 2]), zeros([3, 3, 2, 5]), ones([5]), zeros([5]), { ...conv, epsilon: 0 }), 'conv2dBatchNormReluTraining: epsilon must be in (0, 1.7976931348623157e+308], received 0.', InvalidArgumentError],
    ['backward filter z shape', () => ops.conv2dBatchNormReluBackwardFilter(zeros([1, 4, 4, 5]), { ...filterParams, x: zeros([1, 4, 4, 4]), y: zeros([1, 4, 4, 5]) }), "conv2dBatchNormReluBackwardFilter: x (the conv output z) must have the conv's output shape [1,4,4,5], received [1,4,4,4].", ShapeError],
    ['backward filter input channels', () => ops.conv2dBatchNormReluBackwardFilter(zeros([1, 4, 4, 5]), { ...filterParams, input: zeros([1, 4, 4, 3]), y: zeros([1, 4, 4, 5]) }), "conv2dBatchNormReluBackwardFilter: filter in-channels (dimension 2) must equal the input's channels 3, received [3,3,2,5].", ShapeError],
    ['backward filter missing input', () => ops.conv2dBatchNormReluBackwardFilter(zeros([1, 4, 4, 5]), { ...filterParams, input: undefined as unknown as typeof x, y: zeros([1, 4, 4, 5]) }), 'conv2dBatchNormReluBackwardFilter: input must be', InvalidArgumentError],
    ['backward filter gamma shape', () => ops.conv2dBatchNormReluBackwardFilter(zeros([1, 4, 4, 5]), { ...filterParams, gamma: ones([4]), y: zeros([1, 4, 4, 5]) }), 'conv2dBatchNormReluBackwardFilter: gamma must have shape [5], received [4].', ShapeError],
    ['backward filter dy not the pooled shape', () => ops.conv2dBatchNormReluBackwardFilter(zeros([1, 4, 4, 5]), { ...filterParams, y: zeros([1, 4, 4, 5]), argmax: new Int32Array(80), pool }), 'conv2dBatchNormReluBackwardFilter: dy must have the pooled shape [1,2,2,5], received [1,4,4,5].', ShapeError],
    ['conv pool padding', () => ops.conv2dBatchNormRelu(zeros([1, 4, 4, 2]), zeros([3, 3, 2, 5]), bnParams(5), { ...conv, pool: { ...pool, padding: 'full' as 'same' } }), "conv2dBatchNormRelu: padding must be one of 'same', 'valid', received 'full'.", InvalidArgumentError],
  ];
  for (const [name, call, message, errorClass] of invalid) {
    it(`rejects ${name} before reaching the backend`, () => {
      calls.length = 0;
      expect(call).toThrow(errorClass);
      expect(call).toThrow(message);
      expect(calls).toEqual([]);
    });
  }
});
