import { array64, type Array64 } from './array64.js';

/* Elementwise references, one float64 operation per element. */

export type BinaryName = 'add' | 'sub' | 'mul' | 'div' | 'maximum' | 'minimum';
export type UnaryName = 'neg' | 'abs' | 'exp' | 'log' | 'sqrt' | 'square';

const BINARY: Record<BinaryName, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  maximum: (a, b) => Math.max(a, b),
  minimum: (a, b) => Math.min(a, b),
};

const UNARY: Record<UnaryName, (v: number) => number> = {
  neg: (v) => -v,
  abs: Math.abs,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  square: (v) => v * v,
};

export function refBinary(name: BinaryName, a: Array64, b: Array64): Array64 {
  const f = BINARY[name];
  return array64(a.shape, a.data.map((v, i) => f(v, b.data[i])));
}

export function refUnary(name: UnaryName, x: Array64): Array64 {
  return array64(x.shape, x.data.map(UNARY[name]));
}

export const refAddScalar = (x: Array64, s: number): Array64 => array64(x.shape, x.data.map((v) => v + s));
export const refMulScalar = (x: Array64, s: number): Array64 => array64(x.shape, x.data.map((v) => v * s));
export const refClip = (x: Array64, lo: number, hi: number): Array64 =>
  array64(x.shape, x.data.map((v) => Math.min(hi, Math.max(lo, v))));
