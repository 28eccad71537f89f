import { InvalidArgumentError, Random, Tensor, assertOneOf, describeValue, fill, sizeOf, type Shape } from '@batchwise/core';
import { reserveParameters } from './engine/parameter-budget.js';

/*
 * Weight initializers with Keras semantics. Every random one is seeded: an
 * explicit `seed`, or else the seed the layer derives from its own name and
 * the weight name (see engine/naming.ts hashSeed), so a model built twice
 * with the same names starts from the same weights.
 */

export interface Initializer {
  /** Keras class name used in saved configs ('VarianceScaling', 'Zeros', ...). */
  readonly className: string;
  /** A fresh tensor; `seed` is used when the initializer has no seed of its own. */
  apply(shape: Shape, seed: number): Tensor;
  getConfig(): Record<string, unknown>;
}

export type InitializerName =
  | 'zeros'
  | 'ones'
  | 'glorotUniform'
  | 'glorotNormal'
  | 'heNormal'
  | 'heUniform'
  | 'leCunNormal'
  | 'leCunUniform';

export type InitializerSpec = InitializerName | Initializer;

export const INITIALIZER_NAMES: readonly InitializerName[] = [
  'zeros', 'ones', 'glorotUniform', 'glorotNormal', 'heNormal', 'heUniform', 'leCunNormal', 'leCunUniform',
];

class Constant implements Initializer {
  constructor(readonly className: string, private readonly value: number) {}
  apply(shape: Shape): Tensor {
    reserveParameters(shape);
    return fill(shape, this.value);
  }
  getConfig(): Record<string, unknown> {
    return this.className === 'Constant' ? { value: this.value } : {};
  }
}

export type FanMode = 'fanIn' | 'fanOut' | 'fanAvg';
export type Distribution = 'normal' | 'truncatedNormal' | 'untruncatedNormal' | 'uniform';

export interface VarianceScalingArgs {
  scale?: number;
  mode?: FanMode;
  distribution?: Distribution;
  seed?: number | null;
}

/** Keras fans: [in, out] for a matrix; conv filters [kh, kw, in, out] multiply by the receptive field. */
export function computeFans(shape: Shape): { fanIn: number; fanOut: number } {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0], fanOut: shape[0] };
  if (shape.length === 2) return { fanIn: shape[0], fanOut: shape[1] };
  const receptive = sizeOf(shape.slice(0, -2));
  return { fanIn: shape[shape.length - 2] * receptive, fanOut: shape[shape.length - 1] * receptive };
}

/** stddev of a standard normal truncated to [-2, 2]; Keras divides by it so the truncated samples keep the target variance. */
const TRUNCATED_NORMAL_STDDEV = 0.87962566103423978;

export class VarianceScaling implements Initializer {
  readonly className = 'VarianceScaling';
  readonly scale: number;
  readonly mode: FanMode;
  readonly distribution: Distribution;
  readonly seed: number | null;

  constructor(args: VarianceScalingArgs = {}) {
    this.scale = args.scale ?? 1;
    this.mode = args.mode ?? 'fanIn';
    this.distribution = args.distribution ?? 'truncatedNormal';
    this.seed = args.seed ?? null;
    if (!(this.scale > 0) || !Number.isFinite(this.scale)) {
      throw new InvalidArgumentError(`VarianceScaling: scale must be a positive number, received ${describeValue(args.scale)}.`);
    }
    assertOneOf('VarianceScaling', 'mode', this.mode, ['fanIn', 'fanOut', 'fanAvg']);
    assertOneOf('VarianceScaling', 'distribution', this.distribution, ['normal', 'truncatedNormal', 'untruncatedNormal', 'uniform']);
  }

  apply(shape: Shape, seed: number): Tensor {
    reserveParameters(shape);
    const { fanIn, fanOut } = computeFans(shape);
    const n = this.mode === 'fanIn' ? fanIn : this.mode === 'fanOut' ? fanOut : (fanIn + fanOut) / 2;
    const variance = this.scale / Math.max(1, n);
    const rng = new Random(this.seed ?? seed);
    const data = new Float32Array(sizeOf(shape));
    if (this.distribution === 'uniform') {
      const limit = Math.sqrt(3 * variance);
      for (let i = 0; i < data.length; i++) data[i] = rng.uniform(-limit, limit);
    } else if (this.distribution === 'untruncatedNormal') {
      const stddev = Math.sqrt(variance);
      for (let i = 0; i < data.length; i++) data[i] = rng.normal(0, stddev);
    } else {
      // Keras 'normal' means truncated normal: resample beyond two stddevs.
      const stddev = Math.sqrt(variance) / TRUNCATED_NORMAL_STDDEV;
      for (let i = 0; i < data.length; i++) {
        let z: number;
        do z = rng.normal(); while (Math.abs(z) > 2);
        data[i] = z * stddev;
      }
    }
    return new Tensor(data, shape);
  }

  getConfig(): Record<string, unknown> {
    const mode = { fanIn: 'fan_in', fanOut: 'fan_out', fanAvg: 'fan_avg' }[this.mode];
    const distribution = { normal: 'normal', truncatedNormal: 'truncated_normal', untruncatedNormal: 'untruncated_normal', uniform: 'uniform' }[this.distribution];
    return { scale: this.scale, mode, distribution, seed: this.seed };
  }
}

/** Factories with tfjs names: `initializers.glorotUniform({ seed: 1 })`. */
export const initializers = {
  zeros: (): Initializer => new Constant('Zeros', 0),
  ones: (): Initializer => new Constant('Ones', 1),
  constant: ({ value }: { value: number }): Initializer => new Constant('Constant', value),
  varianceScaling: (args: VarianceScalingArgs = {}): Initializer => new VarianceScaling(args),
  glorotUniform: ({ seed }: { seed?: number } = {}): Initializer => new VarianceScaling({ scale: 1, mode: 'fanAvg', distribution: 'uniform', seed }),
  glorotNormal: ({ seed }: { seed?: number } = {}): Initializer => new VarianceScaling({ scale: 1, mode: 'fanAvg', distribution: 'truncatedNormal', seed }),
  heNormal: ({ seed }: { seed?: number } = {}): Initializer => new VarianceScaling({ scale: 2, mode: 'fanIn', distribution: 'truncatedNormal', seed }),
  heUniform: ({ seed }: { seed?: number } = {}): Initializer => new VarianceScaling({ scale: 2, mode: 'fanIn', distribution: 'uniform', seed }),
  leCunNormal: ({ seed }: { seed?: number } = {}): Initializer => new VarianceScaling({ scale: 1, mode: 'fanIn', distribution: 'truncatedNormal', seed }),
  leCunUniform: ({ seed }: { seed?: number } = {}): Initializer => new VarianceScaling({ scale: 1, mode: 'fanIn', distribution: 'uniform', seed }),
};

/** A name or an initializer object -> an initializer; errors name the layer and option. */
export function getInitializer(spec: unknown, where: string, option: string): Initializer {
  if (typeof spec === 'string') {
    assertOneOf(where, option, spec, INITIALIZER_NAMES);
    return initializers[spec]();
  }
  if (spec !== null && typeof spec === 'object' && typeof (spec as Initializer).apply === 'function' && typeof (spec as Initializer).className === 'string') {
    return spec as Initializer;
  }
  throw new InvalidArgumentError(
    `${where}: ${option} must be one of ${INITIALIZER_NAMES.map((n) => `'${n}'`).join(', ')} or an initializer object, received ${describeValue(spec)}.`,
  );
}

/** Rebuilds an initializer from its saved Keras form `{ class_name, config }`. */
export function initializerFromConfig(json: unknown, where: string): Initializer {
  const { class_name: cls, config: rawConfig } = (json !== null && typeof json === 'object' ? json : {}) as { class_name?: unknown; config?: unknown };
  const config = (rawConfig ?? {}) as Record<string, unknown>;
  if (typeof config !== 'object' || Array.isArray(config)) throw new InvalidArgumentError(`${where}: initializer config must be an object, received ${describeValue(rawConfig)}.`);
  if (config.seed !== undefined && config.seed !== null && !Number.isSafeInteger(config.seed)) {
    throw new InvalidArgumentError(`${where}: initializer seed must be an integer or null, received ${describeValue(config.seed)}.`);
  }
  const seed = typeof config.seed === 'number' ? config.seed : undefined;
  // Saved options are read as they are or refused: a Constant of 'abc' would fill the weights with NaN.
  const option = <T extends string>(key: string, map: Record<string, T>, dflt: T): T => {
    const v = config[key];
    if (v === undefined || v === null) return dflt;
    if (typeof v !== 'string' || !(v in map)) throw new InvalidArgumentError(`${where}: initializer ${key} must be one of ${Object.keys(map).join(', ')}, received ${describeValue(v)}.`);
    return map[v];
  };
  const finite = (key: string, dflt: number): number => {
    const v = config[key] ?? dflt;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new InvalidArgumentError(`${where}: initializer ${key} must be a finite number, received ${describeValue(v)}.`);
    return v;
  };
  switch (cls) {
    case 'Zeros': return initializers.zeros();
    case 'Ones': return initializers.ones();
    case 'Constant': return initializers.constant({ value: finite('value', 0) });
    case 'GlorotUniform': return initializers.glorotUniform({ seed });
    case 'GlorotNormal': return initializers.glorotNormal({ seed });
    case 'HeNormal': return initializers.heNormal({ seed });
    case 'HeUniform': return initializers.heUniform({ seed });
    case 'LecunNormal': case 'LeCunNormal': return initializers.leCunNormal({ seed });
    case 'LecunUniform': case 'LeCunUniform': return initializers.leCunUniform({ seed });
    case 'VarianceScaling': {
      const mode = option('mode', { fan_in: 'fanIn', fan_out: 'fanOut', fan_avg: 'fanAvg' } as const, 'fanIn');
      const distribution = option('distribution', { normal: 'truncatedNormal', truncated_normal: 'truncatedNormal', untruncated_normal: 'untruncatedNormal', uniform: 'uniform' } as const, 'truncatedNormal');
      return new VarianceScaling({ scale: finite('scale', 1), mode, distribution, seed });
    }
    default:
      throw new InvalidArgumentError(
        `${where}: initializer class_name must be one of Zeros, Ones, Constant, GlorotUniform, GlorotNormal, HeNormal, HeUniform, LecunNormal, LecunUniform, VarianceScaling, received ${describeValue(cls)}.`,
      );
  }
}
