import { InvalidArgumentError, ShapeError, zeros } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { layers } from '../src/index.js';
import './helpers.js';

/* Window options are held to core's WINDOW_LIMITS when a layer is made or first applied, before any weight is allocated. */
describe('window limits in layer constructors', () => {
  it('Conv2D refuses a kernel of 1e9 x 1e9 when constructed', () => {
    expect(() => layers.conv2d({ filters: 8, kernelSize: 1e9, name: 'k' })).toThrow(
      new InvalidArgumentError(
        "Conv2D 'k': kernelSize[0] * kernelSize[1] * filters (the kernel's elements per input channel) must be at most 2147483647, received 8000000000000000000.",
      ),
    );
  });
  it('Conv2D and MaxPooling2D refuse strides and sizes of 2^31', () => {
    expect(() => layers.conv2d({ filters: 2, kernelSize: 3, strides: 2 ** 31, name: 's' })).toThrow(
      "Conv2D 's': strides must be an integer or a pair of integers in [1, 2147483647], received 2147483648.",
    );
    expect(() => layers.conv2d({ filters: 2, kernelSize: 3, dilationRate: [1, 2 ** 31], name: 'd' })).toThrow(
      "Conv2D 'd': dilationRate must be an integer or a pair of integers in [1, 2147483647], received [1,2147483648].",
    );
    expect(() => layers.maxPooling2d({ poolSize: [2 ** 31, 2], name: 'p' })).toThrow(
      "MaxPooling2D 'p': poolSize must be an integer or a pair of integers in [1, 2147483647], received [2147483648,2].",
    );
  });
  it("a 'same' kernel of 30000 on 28x28 fails when applied, before its 3.6 GB kernel is allocated", () => {
    const conv = layers.conv2d({ filters: 1, kernelSize: 30000, padding: 'same', name: 'big' });
    expect(() => conv.apply(zeros([1, 28, 28, 1]))).toThrow(
      new ShapeError(
        "Conv2D 'big': input height and width must fit kernelSize [30000,30000] with dilationRate [1,1] and padding 'same' (window must be at most [57,57] (2 x input size + 1) with 'same' padding on input [1,28,28,1], received [30000,30000]), received shape [1,28,28,1].",
      ),
    );
    expect(conv.built).toBe(false);
    const pool = layers.maxPooling2d({ poolSize: 30000, strides: 1, padding: 'same', name: 'bp' });
    expect(() => pool.apply(zeros([1, 28, 28, 1]))).toThrow(/^MaxPooling2D 'bp': input height and width must fit poolSize \[30000,30000\] with padding 'same' \(window must be at most \[57,57\]/);
  });
});
