import {
  BROADCAST_BINARY_OPS,
  normalizeAxis,
  sizeOf,
  validated,
  type AxpbyOptions,
  type Backend,
  type BroadcastBinaryOptions,
  type ConcatOptions,
  type GatherOptions,
  type OneHotOptions,
  type Tensor,
} from '@batchwise/core';
import { KernelCall } from '../runtime/call.js';
import type { WasmRuntime } from '../runtime/runtime.js';
import { int32Input, outputTensor } from '../runtime/storage.js';

type TensorOpKernels = Pick<Backend, 'equal' | 'greater' | 'broadcastBinary' | 'gather' | 'concat' | 'oneHot' | 'assign' | 'axpby'>;

/** Comparisons, broadcasting, data movement and the in-place layer-state writes (as backend-native's tensor-ops). */
export function tensorOpKernels(rt: WasmRuntime): TensorOpKernels {
  const compare = (name: 'equal' | 'greater') =>
    validated(name, (a: Tensor, b: Tensor) => {
      const out = outputTensor(rt, name, a.shape);
      new KernelCall(rt, name).tensor(a).tensor(b).output(out.storage).run();
      return out.tensor;
    });
  return {
    equal: compare('equal'),
    greater: compare('greater'),
    broadcastBinary: validated('broadcastBinary', (x: Tensor, v: Tensor, o: BroadcastBinaryOptions) => {
      const y = outputTensor(rt, 'broadcastBinary', x.shape);
      new KernelCall(rt, 'broadcastBinary')
        .tensor(x).array(x.shape).tensor(v).oneOf(o.op, BROADCAST_BINARY_OPS).number(normalizeAxis(o.axis, x.rank))
        .output(y.storage)
        .run();
      return y.tensor;
    }),
    gather: validated('gather', (x: Tensor, indices: Int32Array, o: GatherOptions) => {
      const axis = normalizeAxis(o.axis, x.rank);
      const shape = [...x.shape];
      shape[axis] = indices.length;
      const out = outputTensor(rt, 'gather', shape);
      const block = int32Input(rt, 'gather', indices);
      try {
        new KernelCall(rt, 'gather').tensor(x).array(x.shape).int32(block.storage).number(axis).output(out.storage).run();
      } finally {
        block.done();
      }
      return out.tensor;
    }),
    concat: validated('concat', (tensors: readonly Tensor[], o: ConcatOptions) => {
      const axis = normalizeAxis(o.axis, tensors[0].rank);
      const shape = [...tensors[0].shape];
      shape[axis] = tensors.reduce((n, t) => n + t.shape[axis], 0);
      const out = outputTensor(rt, 'concat', shape);
      const outer = sizeOf(shape.slice(0, axis));
      const outBlock = sizeOf(shape.slice(axis));
      // One call per part, each copying its [outer, block] into its columns of out.
      let offset = 0;
      try {
        for (const t of tensors) {
          const block = sizeOf(t.shape.slice(axis));
          new KernelCall(rt, 'concatInto').tensor(t).number(outer).number(block).storage(out.storage).number(outBlock).number(offset).run();
          offset += block;
        }
      } catch (e) {
        out.storage.release();
        throw e;
      }
      return out.tensor;
    }),
    oneHot: validated('oneHot', (indices: Tensor, o: OneHotOptions) => {
      const out = outputTensor(rt, 'oneHot', [...indices.shape, o.depth]);
      new KernelCall(rt, 'oneHot').tensor(indices).number(o.depth).output(out.storage).run();
      return out.tensor;
    }),
    assign: validated('assign', (target: Tensor, source: Tensor) => {
      new KernelCall(rt, 'assign').tensor(target).tensor(source).run();
    }),
    axpby: validated('axpby', (y: Tensor, x: Tensor, o: AxpbyOptions) => {
      new KernelCall(rt, 'axpby').tensor(y).tensor(x).number(o.alpha).number(o.beta).run();
    }),
  };
}
