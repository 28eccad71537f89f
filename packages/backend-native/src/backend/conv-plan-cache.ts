import { conv2dGeometry, poolGeometry, type Conv2DBatchNormReluOptions, type Shape } from '@batchwise/core';
import { geometryArgs } from './validated.js';

/*
 * What conv2dBatchNormRelu passes the addon besides the tensors, for the last
 * few argument sets. A model's prediction calls it with the same few shapes
 * and options every time, and at batch 1 computing the two window geometries
 * (which validation has just computed too) and their Float64Arrays again cost
 * microseconds per call. The shapes and window pairs go as Float64Arrays too:
 * the addon reads a typed array in one N-API call, a plain array in one per
 * element. An entry is reused only when every number and string it was made
 * from is equal; its arrays are never handed out for writing (the addon only
 * reads them, and output shapes are frozen).
 */

export interface FusedConvPlan {
  /** The addon's conv geometry, and the pool's (null without a pool). */
  geometry: Float64Array;
  poolGeometry: Float64Array | null;
  /** The values of x's and the filter's shapes, the strides and dilations, and the pool's size and strides (null without a pool). */
  xShape: Float64Array;
  filterShape: Float64Array;
  strides: Float64Array;
  dilations: Float64Array;
  poolSize: Float64Array | null;
  poolStrides: Float64Array | null;
  /** The output's shape (frozen) and size. */
  shape: Shape;
  size: number;
}

interface Entry extends FusedConvPlan {
  /** x shape, filter shape, strides, dilations, then with a pool its size and strides. */
  numbers: number[];
  padding: string;
  poolPadding: string | null;
}

const SIZE = 8;
const entries: Entry[] = [];

function numbersOf(xShape: Shape, filterShape: Shape, o: Conv2DBatchNormReluOptions): number[] {
  const n = [...xShape, ...filterShape, ...o.strides, ...o.dilations];
  if (o.pool) n.push(...o.pool.poolSize, ...o.pool.strides);
  return n;
}

function matches(e: Entry, xShape: Shape, filterShape: Shape, o: Conv2DBatchNormReluOptions): boolean {
  if (e.padding !== o.padding || e.poolPadding !== (o.pool ? o.pool.padding : null)) return false;
  const n = e.numbers;
  if (n.length !== xShape.length + filterShape.length + 4 + (o.pool ? 4 : 0)) return false;
  let i = 0;
  // Indexed loops: this runs on every call of the kernel.
  for (let k = 0; k < xShape.length; k++) if (n[i++] !== xShape[k]) return false;
  for (let k = 0; k < filterShape.length; k++) if (n[i++] !== filterShape[k]) return false;
  if (n[i++] !== o.strides[0] || n[i++] !== o.strides[1] || n[i++] !== o.dilations[0] || n[i++] !== o.dilations[1]) return false;
  if (o.pool) {
    const p = o.pool;
    if (n[i++] !== p.poolSize[0] || n[i++] !== p.poolSize[1] || n[i++] !== p.strides[0] || n[i++] !== p.strides[1]) return false;
  }
  return true;
}

/** The plan for validated arguments: a cached one when they equal those it was made from. */
export function fusedConvPlan(xShape: Shape, filterShape: Shape, o: Conv2DBatchNormReluOptions): FusedConvPlan {
  for (let k = 0; k < entries.length; k++) if (matches(entries[k], xShape, filterShape, o)) return entries[k];
  const g = conv2dGeometry(xShape, filterShape, o);
  const z = [g.batch, g.outHeight, g.outWidth, g.outChannels];
  const pg = o.pool ? poolGeometry(z, o.pool) : null;
  const shape = pg ? [pg.batch, pg.outHeight, pg.outWidth, pg.inChannels] : z;
  const e: Entry = {
    geometry: geometryArgs(g, g.outChannels),
    poolGeometry: pg ? geometryArgs(pg, pg.inChannels) : null,
    xShape: Float64Array.from(xShape),
    filterShape: Float64Array.from(filterShape),
    strides: Float64Array.from(o.strides),
    dilations: Float64Array.from(o.dilations),
    poolSize: o.pool ? Float64Array.from(o.pool.poolSize) : null,
    poolStrides: o.pool ? Float64Array.from(o.pool.strides) : null,
    shape: Object.freeze(shape),
    size: shape.reduce((a, b) => a * b, 1),
    numbers: numbersOf(xShape, filterShape, o),
    padding: o.padding,
    poolPadding: o.pool ? o.pool.padding : null,
  };
  entries.unshift(e);
  if (entries.length > SIZE) entries.pop();
  return e;
}
