import { makeTensor, validated, type Backend, type DropoutOptions, type Tensor } from '@batchwise/core';
import type { BinaryEntry, FullAddon, GradEntry, UnaryEntry } from '../addon.js';
import { outputF32 } from './output.js';

const UNARY = ['relu', 'sigmoid', 'tanh', 'neg', 'abs', 'exp', 'log', 'sqrt', 'square'] as const satisfies readonly UnaryEntry[];
const GRADS = ['reluBackward', 'sigmoidBackward', 'tanhBackward'] as const satisfies readonly GradEntry[];
const BINARY = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum'] as const satisfies readonly BinaryEntry[];

type ElementwiseKernels = Pick<
  Backend,
  | UnaryEntry | GradEntry | BinaryEntry
  | 'addScalar' | 'mulScalar' | 'clip' | 'biasAdd' | 'biasGrad'
  | 'softmax' | 'softmaxBackward' | 'dropout' | 'dropoutBackward'
>;

export function elementwiseKernels(addon: FullAddon): ElementwiseKernels {
  const kernels: Partial<ElementwiseKernels> = {};
  // Each entry is looked up once: a lookup by name inside the shared closure saw
  // every name at one site (a megamorphic load per call).
  for (const name of UNARY) {
    const run = addon[name];
    kernels[name] = validated(name, (x: Tensor) => {
      const y = outputF32(x.size);
      run(x.data, y);
      return makeTensor(y, x.shape);
    });
  }
  for (const name of GRADS) {
    const run = addon[name];
    kernels[name] = validated(name, (dy: Tensor, y: Tensor) => {
      const dx = outputF32(dy.size);
      run(dy.data, y.data, dx);
      return makeTensor(dx, dy.shape);
    });
  }
  for (const name of BINARY) {
    const run = addon[name];
    kernels[name] = validated(name, (a: Tensor, b: Tensor) => {
      const out = outputF32(a.size);
      run(a.data, b.data, out);
      return makeTensor(out, a.shape);
    });
  }
  return {
    ...(kernels as Pick<Backend, UnaryEntry | GradEntry | BinaryEntry>),
    addScalar: validated('addScalar', (x: Tensor, s: number) => unaryWith(x, (y) => addon.addScalar(x.data, s, y))),
    mulScalar: validated('mulScalar', (x: Tensor, s: number) => unaryWith(x, (y) => addon.mulScalar(x.data, s, y))),
    clip: validated('clip', (x: Tensor, min: number, max: number) => unaryWith(x, (y) => addon.clip(x.data, min, max, y))),
    biasAdd: validated('biasAdd', (x: Tensor, bias: Tensor) => {
      const y = outputF32(x.size);
      addon.biasAdd(x.data, x.shape, bias.data, y);
      return makeTensor(y, x.shape);
    }),
    biasGrad: validated('biasGrad', (dy: Tensor) => {
      const c = dy.shape[dy.rank - 1];
      const out = outputF32(c);
      addon.biasGrad(dy.data, dy.shape, out);
      return makeTensor(out, [c]);
    }),
    softmax: validated('softmax', (x: Tensor) => {
      const y = outputF32(x.size);
      addon.softmax(x.data, x.shape, y);
      return makeTensor(y, x.shape);
    }),
    softmaxBackward: validated('softmaxBackward', (dy: Tensor, y: Tensor) =>
      unaryWith(dy, (dx) => addon.softmaxBackward(dy.data, y.data, dy.shape, dx)),
    ),
    dropout: validated('dropout', (x: Tensor, o: DropoutOptions) => {
      const y = outputF32(x.size);
      const mask = outputF32(x.size);
      addon.dropout(x.data, o.rate, o.seed, y, mask);
      return { y: makeTensor(y, x.shape), mask: makeTensor(mask, x.shape) };
    }),
    dropoutBackward: validated('dropoutBackward', (dy: Tensor, mask: Tensor) =>
      unaryWith(dy, (dx) => addon.dropoutBackward(dy.data, mask.data, dx)),
    ),
  };
}

/** A fresh output of x's shape, filled by `run`. */
function unaryWith(x: Tensor, run: (out: Float32Array) => void): Tensor {
  const out = outputF32(x.size);
  run(out);
  return makeTensor(out, x.shape);
}
