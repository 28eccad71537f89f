import { describe, expect, it } from 'vitest';
import {
  InvalidArgumentError,
  ShapeError,
  Tensor,
  WINDOW_LIMITS,
  assertTensor,
  assertWindowPair,
  conv2dOutputShape,
  poolOutputShape,
} from '../src/index.js';

const same = { strides: [1, 1], padding: 'same', dilations: [1, 1] } as const;

describe('WINDOW_LIMITS', () => {
  it('allows window options up to 2^31 - 1 and refuses 2^31 (int32, as the native addon)', () => {
    expect(() => assertWindowPair('conv2d', 'strides', [WINDOW_LIMITS.maxValue, 1])).not.toThrow();
    expect(() => assertWindowPair('conv2d', 'strides', [2 ** 31, 1])).toThrow(
      new InvalidArgumentError('conv2d: strides must be a pair of integers in [1, 2147483647], received [2147483648,1].'),
    );
    expect(conv2dOutputShape([1, 5, 5, 1], [3, 3, 1, 1], { ...same, strides: [WINDOW_LIMITS.maxValue, 1] })).toEqual([1, 1, 5, 1]);
  });

  it('refuses a pair with a hole, which every() used to skip', () => {
    // eslint-disable-next-line no-sparse-arrays
    const sparse = [, 2] as unknown as [number, number];
    expect(() => assertWindowPair('conv2d', 'strides', sparse)).toThrow(
      new InvalidArgumentError('conv2d: strides must be a pair of positive integers, received [,2].'),
    );
    expect(() => assertWindowPair('maxPool', 'poolSize', [2, 0])).toThrow(/poolSize must be a pair of positive integers, received \[2,0\]/);
  });

  it("bounds a 'same' window by 2 x input + 1 taps per axis, and not its dilated span", () => {
    expect(conv2dOutputShape([1, 1, 1, 1], [3, 3, 1, 1], same)).toEqual([1, 1, 1, 1]); // a 3x3 conv at the end of a network
    expect(conv2dOutputShape([1, 4, 4, 1], [9, 9, 1, 1], same)).toEqual([1, 4, 4, 1]);
    expect(() => conv2dOutputShape([1, 4, 4, 1], [9, 10, 1, 1], same)).toThrow(ShapeError);
    // Atrous rates wider than the feature map keep 3x3 taps (DeepLab's rate 18 on 17x17).
    expect(conv2dOutputShape([1, 17, 17, 8], [3, 3, 8, 8], { ...same, dilations: [18, 18] })).toEqual([1, 17, 17, 8]);
    expect(() => poolOutputShape([1, 28, 28, 1], { poolSize: [30000, 30000], strides: [1, 1], padding: 'same' })).toThrow(
      "maxPool: window must be at most [57,57] (2 x input size + 1) with 'same' padding on input [1,28,28,1], received [30000,30000].",
    );
  });

  it('refuses input, filter and output shapes past 2^31 - 1 elements', () => {
    expect(() => conv2dOutputShape([1, 65535, 32768, 1], [1, 1, 1, 1], same)).not.toThrow();
    expect(() => conv2dOutputShape([1, 65536, 32768, 1], [1, 1, 1, 1], same)).toThrow(
      'conv2d: input must have at most 2147483647 elements, received [1,65536,32768,1] (2147483648 elements).',
    );
    expect(() => conv2dOutputShape([1, 65535, 32768, 1], [1, 1, 1, 2], same)).toThrow(
      'conv2d: output must have at most 2147483647 elements, received [1,65535,32768,2] (4294901760 elements).',
    );
  });
});

describe('assertTensor: data and shape agree', () => {
  it('refuses a tensor whose resizable buffer shrank, and names a transferred one as disposed', () => {
    const rab = new ArrayBuffer(16, { maxByteLength: 32 });
    const x = new Tensor(new Float32Array(rab), [2, 2]);
    rab.resize(8);
    expect(() => assertTensor('relu', 'x', x)).toThrow(new ShapeError('relu: x must have 4 elements for shape [2,2], received 2.'));
    const y = new Tensor(new Float32Array(4), [2, 2]);
    structuredClone(y.data.buffer, { transfer: [y.data.buffer as ArrayBuffer] });
    expect(() => assertTensor('relu', 'x', y)).toThrow(/^relu: x \(shape \[2,2\]\) was disposed/);
  });

  it('refuses a forged tensor claiming more elements than its data holds', () => {
    const forged = Object.assign(Object.create(Tensor.prototype) as Tensor, { data: new Float32Array(3), shape: [100, 100], size: 10000 });
    expect(() => assertTensor('matMul', 'a', forged)).toThrow(new ShapeError('matMul: a must have 10000 elements for shape [100,100], received 3.'));
  });
});
