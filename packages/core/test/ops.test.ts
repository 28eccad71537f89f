import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, KERNEL_NAMES, ShapeError, argmaxRangeError, createOps, ones, tensor, zeros, type Backend } from '../src/index.js';

/** Records which kernel was reached; createOps must only reach it with valid arguments. */
function recordingBackend(calls: string[]): Backend {
  const kernels = Object.fromEntries(KERNEL_NAMES.map((k) => [k, () => calls.push(k)]));
  return { name: 'rec', info: () => ({ name: 'rec', threads: 1, simd: 'none' }), ...kernels } as unknown as Backend;
}

const conv = { strides: [1, 1], padding: 'same', dilations: [1, 1] } as const;

describe('createOps validation', () => {
  const calls: string[] = [];
  const ops = createOps(recordingBackend(calls));

  it('passes valid calls through to the backend', () => {
    calls.length = 0;
    ops.matMul(zeros([2, 3]), zeros([3, 4]));
    ops.conv2d(zeros([1, 5, 5, 2]), zeros([3, 3, 2, 4]), conv);
    ops.batchNormTraining(zeros([4, 3]), ones([3]), zeros([3]), { epsilon: 1e-3 });
    expect(calls).toEqual(['matMul', 'conv2d', 'batchNormTraining']);
  });

  const invalid: [string, () => unknown, string | RegExp, typeof InvalidArgumentError][] = [
    ['matMul inner dims', () => ops.matMul(zeros([2, 3]), zeros([4, 2])), 'matMul: inner dimensions must match, received a [2,3] and b [4,2] (3 vs 4).', ShapeError],
    ['matMul rank', () => ops.matMul(zeros([2]), zeros([2, 2])), 'matMul: a must have rank 2, received rank 1 (shape [2]).', ShapeError],
    ['conv2d filter rank', () => ops.conv2d(zeros([1, 4, 4, 8]), zeros([3, 3, 8]), conv), 'conv2d: filter must have rank 4, received rank 3 (shape [3,3,8]).', ShapeError],
    ['conv2d channels', () => ops.conv2d(zeros([1, 4, 4, 8]), zeros([3, 3, 4, 2]), conv), /in-channels \(dimension 2\) must equal the input's channels 8/, ShapeError],
    ['conv2d stride 2.5', () => ops.conv2d(zeros([1, 4, 4, 1]), zeros([3, 3, 1, 1]), { ...conv, strides: [2.5, 2] }), 'conv2d: strides must be a pair of positive integers, received [2.5,2].', InvalidArgumentError],
    ['conv2d padding', () => ops.conv2d(zeros([1, 4, 4, 1]), zeros([3, 3, 1, 1]), { ...conv, padding: 'full' as 'same' }), "conv2d: padding must be one of 'same', 'valid', received 'full'.", InvalidArgumentError],
    ['batch norm gamma shape', () => ops.batchNormTraining(zeros([4, 3]), ones([2]), zeros([3]), { epsilon: 1e-3 }), 'batchNormTraining: gamma must have shape [3], received [2].', ShapeError],
    ['batch norm epsilon', () => ops.batchNormTraining(zeros([4, 3]), ones([3]), zeros([3]), { epsilon: 0 }), 'batchNormTraining: epsilon must be in (0, 1.7976931348623157e+308], received 0.', InvalidArgumentError],
    ['add shapes', () => ops.add(zeros([2]), zeros([3])), 'add: b must have the shape of a [2], received [3].', ShapeError],
    ['dropout rate', () => ops.dropout(zeros([2]), { rate: 1, seed: 1 }), 'dropout: rate must be in [0, 1), received 1.', InvalidArgumentError],
    ['sum axes', () => ops.sum(zeros([2, 2]), { axes: [2] }), 'sum: axes must be distinct integers in [-2, 1], received [2].', InvalidArgumentError],
    ['sgd velocity', () => ops.sgdUpdate(zeros([2]), zeros([2]), null, { learningRate: 0.1, momentum: 0.9, nesterov: false }), 'sgdUpdate: velocity must be a tensor when momentum > 0, received null.', InvalidArgumentError],
    ['adam aliasing', () => { const p = zeros([2]); ops.adamUpdate(p, zeros([2]), p, zeros([2]), { learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, step: 1 }); }, 'adamUpdate: m must not share memory with param.', InvalidArgumentError],
    ['not a tensor', () => ops.relu([1, 2] as unknown as ReturnType<typeof zeros>), 'relu: x must be a Tensor, received [1,2].', InvalidArgumentError],
    ['transpose perm', () => ops.transpose(tensor([[1, 2]]), [0, 0]), 'transpose: perm must be a permutation of 0..1, received [0,0].', InvalidArgumentError],
  ];

  for (const [name, call, message, errorClass] of invalid) {
    it(`rejects ${name} before reaching the backend`, () => {
      calls.length = 0;
      expect(call).toThrow(errorClass);
      expect(call).toThrow(message);
      expect(calls).toEqual([]);
    });
  }

  it('leaves the argmax index scan to the backend, which reads the indices anyway', () => {
    calls.length = 0;
    ops.maxPoolBackward(zeros([1, 1, 1, 1]), Int32Array.of(4), [1, 2, 2, 1]);
    expect(calls).toEqual(['maxPoolBackward']);
    expect(argmaxRangeError(Int32Array.of(0, 3), 4)).toBeNull();
    const bad = argmaxRangeError(Int32Array.of(0, -1), 4);
    expect(bad).toBeInstanceOf(InvalidArgumentError);
    expect(bad?.message).toBe('maxPoolBackward: argmax[1] must be in [0, 4), received -1.');
  });
});

describe('createOps with a backend that validates its own arguments', () => {
  it('validates once: the backend sees bad arguments, and its error reaches the caller', () => {
    const calls: string[] = [];
    const own = { ...recordingBackend(calls), validatesArguments: true } as Backend;
    // The recording kernels check nothing: a call that would fail core's validation reaches them.
    createOps(own).matMul(zeros([2, 3]), zeros([4, 2]));
    expect(calls).toEqual(['matMul']);
    const throwing = { ...own, matMul: () => { throw new ShapeError('matMul: from the backend.'); } } as Backend;
    expect(() => createOps(throwing).matMul(zeros([2, 3]), zeros([4, 2]))).toThrow('matMul: from the backend.');
  });

  it('still validates for a backend that does not say so, or says false', () => {
    for (const validatesArguments of [undefined, false]) {
      const calls: string[] = [];
      const ops = createOps({ ...recordingBackend(calls), validatesArguments } as Backend);
      expect(() => ops.matMul(zeros([2, 3]), zeros([4, 2]))).toThrow(ShapeError);
      expect(calls).toEqual([]);
    }
  });

  it('reports bad arguments before a missing backend, as before', () => {
    const ops = createOps(() => {
      throw new Error('no backend');
    });
    expect(() => ops.matMul(zeros([2, 3]), zeros([4, 2]))).toThrow(ShapeError);
    expect(() => ops.matMul(zeros([2, 3]), zeros([3, 2]))).toThrow('no backend');
  });
});
