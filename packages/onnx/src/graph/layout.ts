import type { GraphBuilder } from './builder.js';

/*
 * batchwise is NHWC; ONNX's Conv, MaxPool and BatchNormalization want the
 * channel on axis 1 (NCHW). Every exported value therefore carries its
 * layout as a permutation of the model's (logical) axes: physical axis i
 * holds logical axis perm[i]. Layers that care ask for a layout and get a
 * Transpose only when the value is not in it already, so a chain of
 * Conv -> BatchNormalization -> Relu -> MaxPool stays NCHW throughout and is
 * transposed once on the way in and once before Flatten or the output.
 */

/** An exported value: its ONNX name and its layout. */
export interface Value {
  name: string;
  perm: readonly number[];
}

export const identityPerm = (rank: number): number[] => Array.from({ length: rank }, (_, i) => i);

/** NHWC logical axes in NCHW order. */
export const NCHW: readonly number[] = [0, 3, 1, 2];

/** The physical axis that holds logical axis `axis`. */
export const physicalAxis = (v: Value, axis: number): number => v.perm.indexOf(axis);

const key = (perm: readonly number[]) => perm.join(',');

/** `v` in layout `perm`: itself, or the output of one Transpose. */
export function inLayout(g: GraphBuilder, v: Value, perm: readonly number[]): Value {
  if (key(v.perm) === key(perm)) return v;
  // A value read twice in one layout is transposed once.
  const id = `${v.name}|${key(perm)}`;
  const hit = g.transposes.get(id);
  if (hit) return hit;
  // ONNX Transpose: output axis i is input axis p[i]; input axis j holds logical v.perm[j].
  const p = perm.map((logical) => v.perm.indexOf(logical));
  const suffix = key(perm) === key(NCHW) ? 'nchw' : key(perm) === key(identityPerm(perm.length)) ? 'nhwc' : `perm${perm.join('')}`;
  const out: Value = { name: g.node('Transpose', [v.name], `${v.name}/${suffix}`, { perm: { ints: p } }), perm };
  g.transposes.set(id, out);
  return out;
}

/** `v` in the model's own axis order. */
export const inLogicalOrder = (g: GraphBuilder, v: Value): Value => inLayout(g, v, identityPerm(v.perm.length));
