import {
  makeTensor,
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
import type { FullAddon } from '../addon.js';
import { outputF32 } from './output.js';

type TensorOpKernels = Pick<Backend, 'equal' | 'greater' | 'broadcastBinary' | 'gather' | 'concat' | 'oneHot' | 'assign' | 'axpby'>;

/** Comparisons, broadcasting, data movement and the in-place layer-state writes. */
export function tensorOpKernels(addon: FullAddon): TensorOpKernels {
  const compare = (name: 'equal' | 'greater') =>
    validated(name, (a: Tensor, b: Tensor) => {
      const out = outputF32(a.size);
      addon[name](a.data, b.data, out);
      return makeTensor(out, a.shape);
    });
  return {
    equal: compare('equal'),
    greater: compare('greater'),
    broadcastBinary: validated('broadcastBinary', (x: Tensor, v: Tensor, o: BroadcastBinaryOptions) => {
      const y = outputF32(x.size);
      addon.broadcastBinary(x.data, x.shape, v.data, o.op, normalizeAxis(o.axis, x.rank), y);
      return makeTensor(y, x.shape);
    }),
    gather: validated('gather', (x: Tensor, indices: Int32Array, o: GatherOptions) => {
      const axis = normalizeAxis(o.axis, x.rank);
      const shape = [...x.shape];
      shape[axis] = indices.length;
      const out = outputF32(sizeOf(shape));
      addon.gather(x.data, x.shape, indices, axis, out);
      return makeTensor(out, shape);
    }),
    concat: validated('concat', (tensors: readonly Tensor[], o: ConcatOptions) => {
      const axis = normalizeAxis(o.axis, tensors[0].rank);
      const shape = [...tensors[0].shape];
      shape[axis] = tensors.reduce((n, t) => n + t.shape[axis], 0);
      const out = outputF32(sizeOf(shape));
      const outer = sizeOf(shape.slice(0, axis));
      const outBlock = sizeOf(shape.slice(axis));
      // One addon call per part, each copying its [outer, block] into its columns of out.
      let offset = 0;
      for (const t of tensors) {
        const block = sizeOf(t.shape.slice(axis));
        addon.concatInto(t.data, outer, block, out, outBlock, offset);
        offset += block;
      }
      return makeTensor(out, shape);
    }),
    oneHot: validated('oneHot', (indices: Tensor, o: OneHotOptions) => {
      const out = outputF32(indices.size * o.depth);
      addon.oneHot(indices.data, o.depth, out);
      return makeTensor(out, [...indices.shape, o.depth]);
    }),
    assign: validated('assign', (target: Tensor, source: Tensor) => addon.assign(target.data, source.data)),
    axpby: validated('axpby', (y: Tensor, x: Tensor, o: AxpbyOptions) => addon.axpby(y.data, x.data, o.alpha, o.beta)),
  };
}
