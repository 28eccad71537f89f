import { validated, type Backend, type DropoutOptions, type Tensor } from '@batchwise/core';
import { KernelCall } from '../runtime/call.js';
import type { WasmRuntime } from '../runtime/runtime.js';
import { outputTensor } from '../runtime/storage.js';

const UNARY = ['relu', 'sigmoid', 'tanh', 'neg', 'abs', 'exp', 'log', 'sqrt', 'square'] as const;
const GRADS = ['reluBackward', 'sigmoidBackward', 'tanhBackward'] as const;
const BINARY = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum'] as const;

type Unary = (typeof UNARY)[number];
type Grad = (typeof GRADS)[number];
type BinaryName = (typeof BINARY)[number];
type ElementwiseKernels = Pick<
  Backend,
  Unary | Grad | BinaryName | 'addScalar' | 'mulScalar' | 'clip' | 'biasAdd' | 'biasGrad' | 'softmax' | 'softmaxBackward' | 'dropout' | 'dropoutBackward'
>;

export function elementwiseKernels(rt: WasmRuntime): ElementwiseKernels {
  /** A fresh output of `like`'s shape, written by entry `fn` after the arguments `args` adds. */
  const shaped = (fn: string, like: Tensor, args: (call: KernelCall) => KernelCall): Tensor => {
    const out = outputTensor(rt, fn, like.shape);
    args(new KernelCall(rt, fn)).output(out.storage).run();
    return out.tensor;
  };
  const kernels: Partial<ElementwiseKernels> = {};
  for (const name of UNARY) kernels[name] = validated(name, (x: Tensor) => shaped(name, x, (c) => c.tensor(x)));
  for (const name of GRADS) kernels[name] = validated(name, (dy: Tensor, y: Tensor) => shaped(name, dy, (c) => c.tensor(dy).tensor(y)));
  for (const name of BINARY) kernels[name] = validated(name, (a: Tensor, b: Tensor) => shaped(name, a, (c) => c.tensor(a).tensor(b)));
  return {
    ...(kernels as Pick<Backend, Unary | Grad | BinaryName>),
    addScalar: validated('addScalar', (x: Tensor, s: number) => shaped('addScalar', x, (c) => c.tensor(x).number(s))),
    mulScalar: validated('mulScalar', (x: Tensor, s: number) => shaped('mulScalar', x, (c) => c.tensor(x).number(s))),
    clip: validated('clip', (x: Tensor, min: number, max: number) => shaped('clip', x, (c) => c.tensor(x).number(min).number(max))),
    biasAdd: validated('biasAdd', (x: Tensor, bias: Tensor) => shaped('biasAdd', x, (c) => c.tensor(x).array(x.shape).tensor(bias))),
    biasGrad: validated('biasGrad', (dy: Tensor) => {
      const out = outputTensor(rt, 'biasGrad', [dy.shape[dy.rank - 1]]);
      new KernelCall(rt, 'biasGrad').tensor(dy).array(dy.shape).output(out.storage).run();
      return out.tensor;
    }),
    softmax: validated('softmax', (x: Tensor) => shaped('softmax', x, (c) => c.tensor(x).array(x.shape))),
    softmaxBackward: validated('softmaxBackward', (dy: Tensor, y: Tensor) =>
      shaped('softmaxBackward', dy, (c) => c.tensor(dy).tensor(y).array(dy.shape)),
    ),
    dropout: validated('dropout', (x: Tensor, o: DropoutOptions) => {
      const y = outputTensor(rt, 'dropout', x.shape), mask = outputTensor(rt, 'dropout', x.shape);
      new KernelCall(rt, 'dropout').tensor(x).number(o.rate).number(o.seed).output(y.storage).output(mask.storage).run();
      return { y: y.tensor, mask: mask.tensor };
    }),
    dropoutBackward: validated('dropoutBackward', (dy: Tensor, mask: Tensor) =>
      shaped('dropoutBackward', dy, (c) => c.tensor(dy).tensor(mask)),
    ),
  };
}
