import { InvalidArgumentError, describeValue } from '@batchwise/core';
import type { LayerArgs } from '../engine/layer.js';
import { checkBoolean, checkOneOf, checkPositiveInt, checkRange } from '../engine/layer-args.js';
import type { InitializerSpec } from '../initializers.js';

/*
 * BatchNormalization's options: the Keras/TF.js ones, the three freezing
 * switches, the moving-average modes, and the small-batch variants (ghost
 * batches, batch renormalization), each checked once at construction.
 */

/** Which statistics a training-mode pass normalizes with. Inference always uses the moving ones. */
export type NormalizeWith = 'batch' | 'moving';
export const NORMALIZE_WITH: readonly NormalizeWith[] = ['batch', 'moving'];

/** Batch renormalization's clipping of r = sigma_B / sigma and d = (mu_B - mu) / sigma (Keras 2 names). */
export interface RenormClipping {
  /** Lower bound of r. Default 0 (Keras 2), i.e. unclipped; the paper uses 1 / rmax. */
  rmin?: number;
  /** Upper bound of r. Default Infinity. */
  rmax?: number;
  /** d is clipped to [-dmax, dmax]. Default Infinity. */
  dmax?: number;
}

export interface BatchNormalizationArgs extends LayerArgs {
  /** The feature axis; statistics are taken over every other axis. A number or a one-element list. Default -1. */
  axis?: number | [number];
  /**
   * Weight of the old value in the moving averages (Keras: 0.99; PyTorch's 0.1 is our 0.9).
   * null: cumulative average of every batch so far (PyTorch's momentum=None). Default 0.99.
   */
  momentum?: number | null;
  /** Added to the variance before the square root. Default 1e-3 (PyTorch and ONNX: 1e-5). */
  epsilon?: number;
  /** Learn beta (offset). Default true. */
  center?: boolean;
  /** Learn gamma (scale). Default true. */
  scale?: boolean;
  betaInitializer?: InitializerSpec;
  gammaInitializer?: InitializerSpec;
  movingMeanInitializer?: InitializerSpec;
  movingVarianceInitializer?: InitializerSpec;
  /**
   * Updates the moving statistics have had so far (see `movingUpdates`). Saved models carry it;
   * set it by hand only when loading statistics from elsewhere. Default 0.
   */
  movingUpdates?: number | null;
  /**
   * `trainable` is a preset of the three switches below: true = ('batch', update, train gamma and
   * beta), false = ('moving', no update, gamma and beta fixed), Keras 3's frozen layer. The
   * switches given here override the preset. Default true.
   */
  trainable?: boolean;
  /** Statistics a training-mode pass normalizes with. Default 'batch' ('moving' when trainable is false). */
  normalizeWith?: NormalizeWith;
  /** Whether training-mode passes update the moving statistics. Default true (false when trainable is false). */
  updateMovingStatistics?: boolean;
  /**
   * Divide the exponential moving average by 1 - momentum^t after t updates, as Adam does, so
   * that a short run is not pulled toward the initializers. Default false.
   */
  biasCorrection?: boolean;
  /**
   * Ghost batch normalization (Hoffer et al. 2017): in training, normalize each run of this many
   * consecutive samples with its own statistics. Never applied at inference. Default null (off).
   */
  virtualBatchSize?: number | null;
  /** Batch renormalization (Ioffe 2017) in training. Default false. */
  renorm?: boolean;
  /** Clipping of renorm's r and d. Default {} (unclipped). */
  renormClipping?: RenormClipping | null;
  /** Momentum of the averages renorm's r and d are taken against. Default 0.99. */
  renormMomentum?: number;
  /** Renorm's moving mean and standard deviation, to continue training (saved models carry them). */
  renormMean?: number[];
  renormStddev?: number[];
}

export const BATCH_NORMALIZATION_DEFAULTS = {
  axis: -1, momentum: 0.99, epsilon: 1e-3, center: true, scale: true,
  betaInitializer: 'zeros', gammaInitializer: 'ones', movingMeanInitializer: 'zeros', movingVarianceInitializer: 'ones',
  normalizeWith: 'batch', updateMovingStatistics: true, biasCorrection: false,
  virtualBatchSize: null, renorm: false, renormClipping: {}, renormMomentum: 0.99,
} as const;

export const BATCH_NORMALIZATION_OPTION_NAMES = [
  'axis', 'momentum', 'epsilon', 'center', 'scale', 'betaInitializer', 'gammaInitializer', 'movingMeanInitializer', 'movingVarianceInitializer',
  'movingUpdates', 'normalizeWith', 'updateMovingStatistics', 'biasCorrection', 'virtualBatchSize', 'renorm', 'renormClipping', 'renormMomentum',
  'renormMean', 'renormStddev',
] as const;

/**
 * Config keys batchwise writes beyond TensorFlow.js's; TensorFlow.js 4.22 ignores them when loading
 * (test/batch-norm-state.test.ts). `moving_updates` is left out while unknown; `renorm_mean` and
 * `renorm_stddev` are written only with renorm on.
 */
export const BATCH_NORMALIZATION_OWN_KEYS = [
  'normalize_with', 'update_moving_statistics', 'bias_correction', 'virtual_batch_size', 'renorm', 'renorm_clipping', 'renorm_momentum', 'moving_updates',
] as const;

export interface ResolvedRenormClipping {
  rmin: number;
  rmax: number;
  dmax: number;
}

export function checkMomentum(where: string, v: unknown): number | null {
  return v === null ? null : checkRange(where, 'momentum', v, 0, 1);
}

export function checkEpsilon(where: string, v: unknown): number {
  return checkRange(where, 'epsilon', v, 0, Number.MAX_VALUE, { lowOpen: true });
}

export function checkMovingUpdates(where: string, v: unknown): number | null {
  if (v === null || (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0)) return v;
  throw new InvalidArgumentError(`${where}: movingUpdates must be a non-negative integer or null (unknown), received ${describeValue(v)}.`);
}

export function checkAxis(where: string, v: unknown): number {
  const axis = Array.isArray(v) && v.length === 1 ? v[0] : v;
  if (typeof axis !== 'number' || !Number.isInteger(axis)) {
    throw new InvalidArgumentError(`${where}: axis must be an integer or a one-element list of an integer, received ${JSON.stringify(v)}.`);
  }
  return axis;
}

export function checkNormalizeWith(where: string, v: unknown): NormalizeWith {
  return checkOneOf(where, 'normalizeWith', v, NORMALIZE_WITH);
}

export function checkVirtualBatchSize(where: string, v: unknown): number | null {
  return v === null ? null : checkPositiveInt(where, 'virtualBatchSize', v);
}

export function checkRenormClipping(where: string, v: unknown): ResolvedRenormClipping {
  const given = v ?? {};
  if (typeof given !== 'object' || Array.isArray(given) || Object.keys(given).some((k) => !['rmin', 'rmax', 'dmax'].includes(k))) {
    throw new InvalidArgumentError(`${where}: renormClipping must be an object with keys among rmin, rmax, dmax, received ${describeValue(v)}.`);
  }
  const c = given as RenormClipping;
  const bound = (name: keyof RenormClipping, dflt: number): number => {
    const b = c[name] ?? dflt;
    if (typeof b !== 'number' || Number.isNaN(b) || b < 0) {
      throw new InvalidArgumentError(`${where}: renormClipping.${name} must be a number >= 0, received ${describeValue(c[name])}.`);
    }
    return b;
  };
  const r = { rmin: bound('rmin', 0), rmax: bound('rmax', Infinity), dmax: bound('dmax', Infinity) };
  if (r.rmin > r.rmax) throw new InvalidArgumentError(`${where}: renormClipping.rmin must be <= rmax, received rmin ${r.rmin} and rmax ${r.rmax}.`);
  return r;
}

export function checkFlag(where: string, option: string, v: unknown): boolean {
  return checkBoolean(where, option, v);
}

/** A saved per-feature vector (renorm state): finite numbers, one per feature once the layer is built. */
export function checkFeatureVector(where: string, option: string, v: unknown): number[] {
  if (!Array.isArray(v) || !v.every((e) => typeof e === 'number' && Number.isFinite(e))) {
    throw new InvalidArgumentError(`${where}: ${option} must be a list of finite numbers, received ${describeValue(v)}.`);
  }
  return v;
}
