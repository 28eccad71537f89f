import { InvalidArgumentError, ShapeError, Tensor, formatShape } from '@batchwise/core';

/** Shared shape of the scalers: per-feature y = (x - offset) * scale + shift on the last axis. */
export abstract class FeatureScaler {
  protected offset: Float64Array | null = null;
  protected scale: Float64Array | null = null;
  protected shift: Float64Array | null = null;

  constructor(protected readonly className: string) {}

  abstract fit(x: Tensor): this;

  fitTransform(x: Tensor): Tensor {
    return this.fit(x).transform(x);
  }

  protected requireFitted(fn: string, x: Tensor): { offset: Float64Array; scale: Float64Array; shift: Float64Array } {
    if (!this.offset || !this.scale || !this.shift) throw new InvalidArgumentError(`${this.className} ${fn}: call fit(x) first.`);
    if (!(x instanceof Tensor) || x.rank < 1 || x.shape[x.rank - 1] !== this.offset.length) {
      throw new ShapeError(`${this.className} ${fn}: x must have ${this.offset.length} features on its last axis, received ${x instanceof Tensor ? formatShape(x.shape) : String(x)}.`);
    }
    return { offset: this.offset, scale: this.scale, shift: this.shift };
  }

  /** Scales x with the fitted statistics; NaN or Infinity in x is an error naming sample and feature. */
  transform(x: Tensor): Tensor {
    const { offset, scale, shift } = this.requireFitted('transform', x);
    return mapFeatures(`${this.className} transform`, x, (v, j) => (v - offset[j]) * scale[j] + shift[j]);
  }

  /** Undoes transform. */
  inverseTransform(y: Tensor): Tensor {
    const { offset, scale, shift } = this.requireFitted('inverseTransform', y);
    return mapFeatures(`${this.className} inverseTransform`, y, (v, j) => (v - shift[j]) / scale[j] + offset[j]);
  }
}

function mapFeatures(fn: string, x: Tensor, f: (v: number, feature: number) => number): Tensor {
  const c = x.shape[x.rank - 1];
  const out = new Float32Array(x.size);
  for (let i = 0; i < x.size; i++) {
    const v = x.data[i];
    if (!Number.isFinite(v)) {
      throw new InvalidArgumentError(`${fn}: x must be finite, received ${v} at sample ${Math.floor(i / c)}, feature ${i % c}.`);
    }
    out[i] = f(v, i % c);
  }
  return new Tensor(out, x.shape);
}
