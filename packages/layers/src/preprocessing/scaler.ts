import { InvalidArgumentError, ShapeError, Tensor, formatShape, ops } from '@batchwise/core';
import { requireFinite } from './moments.js';

/** The fitted parameters of y = ((x - offsetHi) - offsetLo) * scale + shift, each [features], float32. */
export interface ScalerParams {
  /** The offset rounded to float32, and what that rounding lost (0 when the offset is a float32 value). */
  offsetHi: Tensor;
  offsetLo: Tensor;
  scale: Tensor;
  shift: Tensor;
}

/** A [features] tensor from float64 values (rounded to float32). */
export const featureVector = (values: ArrayLike<number>): Tensor => new Tensor(Float32Array.from(values), [values.length]);

/**
 * Shared shape of the scalers: per-feature y = (x - offset) * scale + shift on
 * the last axis, on the backend's broadcastBinary kernel. The offset is kept
 * as two float32 parts so that data offset by 1e4 keeps its digits: x - hi is
 * exact near the offset, and the small part is subtracted next.
 */
export abstract class FeatureScaler {
  protected params: ScalerParams | null = null;

  constructor(protected readonly className: string) {}

  abstract fit(x: Tensor): this;

  fitTransform(x: Tensor): Tensor {
    return this.fit(x).transform(x);
  }

  protected requireFitted(fn: string, x: Tensor): ScalerParams {
    if (!this.params) throw new InvalidArgumentError(`${this.className} ${fn}: call fit(x) first.`);
    const c = this.params.scale.size;
    if (!(x instanceof Tensor) || x.rank < 1 || x.shape[x.rank - 1] !== c) {
      throw new ShapeError(`${this.className} ${fn}: x must have ${c} features on its last axis, received ${x instanceof Tensor ? formatShape(x.shape) : String(x)}.`);
    }
    // max |x| is finite exactly when every value is.
    if (x.size > 0) requireFinite(`${this.className} ${fn}`, 'x', x, ops.max(ops.abs(x)));
    return this.params;
  }

  /** Scales x with the fitted statistics; NaN or Infinity in x is an error naming sample and feature. */
  transform(x: Tensor): Tensor {
    const p = this.requireFitted('transform', x);
    const centred = perFeature(perFeature(x, 'sub', p.offsetHi), 'sub', p.offsetLo);
    return perFeature(perFeature(centred, 'mul', p.scale), 'add', p.shift);
  }

  /** Undoes transform. */
  inverseTransform(y: Tensor): Tensor {
    const p = this.requireFitted('inverseTransform', y);
    const unscaled = perFeature(perFeature(y, 'sub', p.shift), 'div', p.scale);
    return perFeature(perFeature(unscaled, 'add', p.offsetHi), 'add', p.offsetLo);
  }
}

function perFeature(x: Tensor, op: 'add' | 'sub' | 'mul' | 'div', v: Tensor): Tensor {
  return ops.broadcastBinary(x, v, { op, axis: -1 });
}
