import { InvalidArgumentError, ShapeError, Tensor, type KernelName, type Ops } from '@batchwise/core';

/* Invalid-argument cases of the windowed and normalizing kernels (conv2d, batch norm, pooling). */

/** One validation rule: the call, and the exact error class and message it must throw. */
export interface InvalidCase {
  kernel: KernelName;
  name: string;
  call(ops: Ops): unknown;
  error: typeof InvalidArgumentError | typeof ShapeError;
  message: string;
}

/** A zero tensor of a shape: validation looks at shapes, not values. */
export const t = (...shape: number[]): Tensor => new Tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape);
/** Smuggles a wrongly typed argument past the compiler, as JavaScript callers can. */
export const bad = <T>(v: unknown): T => v as T;
/** Number.MAX_VALUE as core prints the open upper end of epsilon's and learningRate's ranges. */
export const MAX = Number.MAX_VALUE;
const conv = { strides: [1, 1], padding: 'same', dilations: [1, 1] } as const;
const pool = { poolSize: [2, 2], strides: [2, 2], padding: 'valid' } as const;
const S = ShapeError;
const I = InvalidArgumentError;

export const INVALID_WINDOW_CASES: InvalidCase[] = [
  // conv2d
  { kernel: 'conv2d', name: 'filter of rank 3', call: (o) => o.conv2d(t(1, 5, 5, 8), t(3, 3, 8), conv), error: S,
    message: 'conv2d: filter must have rank 4, received rank 3 (shape [3,3,8]).' },
  { kernel: 'conv2d', name: 'x of rank 3', call: (o) => o.conv2d(t(5, 5, 8), t(3, 3, 8, 2), conv), error: S,
    message: 'conv2d: x must have rank 4, received rank 3 (shape [5,5,8]).' },
  { kernel: 'conv2d', name: 'x not a tensor', call: (o) => o.conv2d(bad([1, 2]), t(3, 3, 1, 1), conv), error: I,
    message: 'conv2d: x must be a Tensor, received [1,2].' },
  { kernel: 'conv2d', name: 'x with a zero dimension', call: (o) => o.conv2d(t(0, 5, 5, 1), t(3, 3, 1, 1), conv), error: S,
    message: 'conv2d: x must be NHWC (rank 4) with positive sizes, received [0,5,5,1].' },
  { kernel: 'conv2d', name: 'fractional stride', call: (o) => o.conv2d(t(1, 5, 5, 1), t(3, 3, 1, 1), { ...conv, strides: [2.5, 1] }), error: I,
    message: 'conv2d: strides must be a pair of positive integers, received [2.5,1].' },
  { kernel: 'conv2d', name: 'zero stride', call: (o) => o.conv2d(t(1, 5, 5, 1), t(3, 3, 1, 1), { ...conv, strides: [0, 1] }), error: I,
    message: 'conv2d: strides must be a pair of positive integers, received [0,1].' },
  { kernel: 'conv2d', name: 'unknown padding', call: (o) => o.conv2d(t(1, 5, 5, 1), t(3, 3, 1, 1), { ...conv, padding: bad('full') }), error: I,
    message: "conv2d: padding must be one of 'same', 'valid', received 'full'." },
  { kernel: 'conv2d', name: 'dilations of length 1', call: (o) => o.conv2d(t(1, 5, 5, 1), t(3, 3, 1, 1), { ...conv, dilations: bad([1]) }), error: I,
    message: 'conv2d: dilations must be a pair of positive integers, received [1].' },
  { kernel: 'conv2d', name: 'filter in-channels mismatch', call: (o) => o.conv2d(t(1, 5, 5, 3), t(3, 3, 4, 2), conv), error: S,
    message: "conv2d: filter in-channels (dimension 2) must equal the input's channels 3, received [3,3,4,2]." },
  { kernel: 'conv2d', name: 'window larger than a valid input', call: (o) => o.conv2d(t(1, 2, 2, 1), t(3, 3, 1, 1), { ...conv, padding: 'valid' }), error: S,
    message: "conv2d: window [3,3] (dilation [1,1]) does not fit input [1,2,2,1] with 'valid' padding." },
  // conv2d backward
  { kernel: 'conv2dBackpropInput', name: 'dy of the wrong shape', call: (o) => o.conv2dBackpropInput(t(1, 5, 5, 3), t(3, 3, 2, 4), [1, 5, 5, 2], conv), error: S,
    message: 'conv2dBackpropInput: dy must have shape [1,5,5,4], received [1,5,5,3].' },
  { kernel: 'conv2dBackpropInput', name: 'fractional inputShape', call: (o) => o.conv2dBackpropInput(t(1, 5, 5, 4), t(3, 3, 2, 4), [1, 5.5, 5, 2], conv), error: I,
    message: 'conv2dBackpropInput: inputShape must be an array of non-negative integers, received [1,5.5,5,2].' },
  { kernel: 'conv2dBackpropInput', name: 'inputShape of rank 3', call: (o) => o.conv2dBackpropInput(t(1, 5, 5, 4), t(3, 3, 2, 4), [5, 5, 2], conv), error: S,
    message: 'conv2dBackpropInput: inputShape must be NHWC (rank 4) with positive sizes, received [5,5,2].' },
  { kernel: 'conv2dBackpropFilter', name: 'filterShape of rank 3', call: (o) => o.conv2dBackpropFilter(t(1, 5, 5, 2), t(1, 5, 5, 4), [3, 3, 2], conv), error: S,
    message: 'conv2dBackpropFilter: filterShape must have rank 4 [kh,kw,in,out] with positive sizes, received [3,3,2].' },
  { kernel: 'conv2dBackpropFilter', name: 'filterShape in-channels mismatch', call: (o) => o.conv2dBackpropFilter(t(1, 5, 5, 2), t(1, 5, 5, 4), [3, 3, 3, 4], conv), error: S,
    message: "conv2dBackpropFilter: filterShape in-channels (dimension 2) must equal the input's channels 2, received [3,3,3,4]." },
  // batch norm
  { kernel: 'batchNormTraining', name: 'x of rank 1', call: (o) => o.batchNormTraining(t(4), t(4), t(4), { epsilon: 1e-3 }), error: S,
    message: 'batchNormTraining: x must have rank >= 2, received rank 1 (shape [4]).' },
  { kernel: 'batchNormTraining', name: 'gamma of the wrong shape', call: (o) => o.batchNormTraining(t(4, 3), t(4), t(3), { epsilon: 1e-3 }), error: S,
    message: 'batchNormTraining: gamma must have shape [3], received [4].' },
  { kernel: 'batchNormTraining', name: 'epsilon 0', call: (o) => o.batchNormTraining(t(4, 3), t(3), t(3), { epsilon: 0 }), error: I,
    message: `batchNormTraining: epsilon must be in (0, ${MAX}], received 0.` },
  { kernel: 'batchNormTraining', name: 'epsilon NaN', call: (o) => o.batchNormTraining(t(4, 3), t(3), t(3), { epsilon: NaN }), error: I,
    message: 'batchNormTraining: epsilon must be a finite number, received NaN.' },
  { kernel: 'batchNormTraining', name: 'empty x', call: (o) => o.batchNormTraining(t(0, 3), t(3), t(3), { epsilon: 1e-3 }), error: S,
    message: 'batchNormTraining: x must not be empty, received shape [0,3].' },
  { kernel: 'batchNormInference', name: 'variance of the wrong shape',
    call: (o) => o.batchNormInference(t(4, 3), { mean: t(3), variance: t(2), gamma: t(3), beta: t(3), epsilon: 1e-3 }), error: S,
    message: 'batchNormInference: variance must have shape [3], received [2].' },
  { kernel: 'batchNormBackward', name: 'x of another shape than dy',
    call: (o) => o.batchNormBackward(t(4, 3), { x: t(4, 2), gamma: t(3), mean: t(3), invStd: t(3) }), error: S,
    message: 'batchNormBackward: x must have shape [4,3], received [4,2].' },
  { kernel: 'batchNormBackward', name: 'invStd missing',
    call: (o) => o.batchNormBackward(t(4, 3), bad({ x: t(4, 3), gamma: t(3), mean: t(3) })), error: I,
    message: 'batchNormBackward: invStd must be a Tensor, received undefined.' },
  // pooling
  { kernel: 'maxPool', name: 'x of rank 3', call: (o) => o.maxPool(t(4, 4, 1), pool), error: S,
    message: 'maxPool: x must have rank 4, received rank 3 (shape [4,4,1]).' },
  { kernel: 'maxPool', name: 'poolSize with a zero', call: (o) => o.maxPool(t(1, 4, 4, 1), { ...pool, poolSize: [2, 0] }), error: I,
    message: 'maxPool: poolSize must be a pair of positive integers, received [2,0].' },
  { kernel: 'maxPool', name: "padding 'SAME' (case matters)", call: (o) => o.maxPool(t(1, 4, 4, 1), { ...pool, padding: bad('SAME') }), error: I,
    message: "maxPool: padding must be one of 'same', 'valid', received 'SAME'." },
  { kernel: 'maxPool', name: 'window larger than a valid input', call: (o) => o.maxPool(t(1, 2, 2, 1), { ...pool, poolSize: [3, 3] }), error: S,
    message: "maxPool: window [3,3] (dilation [1,1]) does not fit input [1,2,2,1] with 'valid' padding." },
  { kernel: 'maxPoolInference', name: 'x of rank 3', call: (o) => o.maxPoolInference(t(4, 4, 1), pool), error: S,
    message: 'maxPoolInference: x must have rank 4, received rank 3 (shape [4,4,1]).' },
  { kernel: 'maxPoolInference', name: 'window larger than a valid input', call: (o) => o.maxPoolInference(t(1, 2, 2, 1), { ...pool, poolSize: [3, 3] }), error: S,
    message: "maxPoolInference: window [3,3] (dilation [1,1]) does not fit input [1,2,2,1] with 'valid' padding." },
  { kernel: 'maxPoolBackward', name: 'argmax as Float32Array', call: (o) => o.maxPoolBackward(t(1, 2, 2, 2), bad(new Float32Array(8)), [1, 4, 4, 2]), error: I,
    message: 'maxPoolBackward: argmax must be an Int32Array, received object.' },
  { kernel: 'maxPoolBackward', name: 'argmax too short', call: (o) => o.maxPoolBackward(t(1, 2, 2, 2), new Int32Array(7), [1, 4, 4, 2]), error: S,
    message: 'maxPoolBackward: argmax must have one index per dy element (8), received 7.' },
  { kernel: 'maxPoolBackward', name: 'argmax out of range', call: (o) => o.maxPoolBackward(t(1, 2, 2, 2), Int32Array.from([100, 0, 0, 0, 0, 0, 0, 0]), [1, 4, 4, 2]), error: I,
    message: 'maxPoolBackward: argmax[0] must be in [0, 32), received 100.' },
  { kernel: 'maxPoolBackward', name: 'inputShape batch differs from dy', call: (o) => o.maxPoolBackward(t(1, 2, 2, 2), new Int32Array(8), [2, 4, 4, 2]), error: S,
    message: "maxPoolBackward: inputShape must be NHWC with dy's batch and channels [1,2,2,2], received [2,4,4,2]." },
];
