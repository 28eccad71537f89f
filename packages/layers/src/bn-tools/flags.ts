import { assertFiniteNumber, InvalidArgumentError } from '@batchwise/core';
import { readValues } from '../engine/values.js';
import type { BatchNormalization } from '../layers/batch-normalization.js';
import type { MovingStatistics } from './gaps.js';

/*
 * Per-feature warning signs of a batch norm, from one batch's statistics and
 * the layer's weights. A feature is dead when its gamma is about 0 (the
 * output is beta whatever comes in) or its input hardly varies (variance far
 * below epsilon: the normalized value is about 0, so again the output is
 * beta); exploding when its input variance is huge or jumps far above the
 * moving variance; broken when any statistic or weight is NaN or infinite.
 */

export type FlagKind = 'non-finite' | 'dead-gamma' | 'dead-variance' | 'exploding-variance' | 'variance-jump';

export interface FlagThresholds {
  /** |gamma| below this: a dead feature. Default 1e-3. */
  deadGamma?: number;
  /** Batch variance below this: a dead feature (1 % of the default epsilon). Default 1e-5. */
  deadVariance?: number;
  /** Batch variance above this: exploding. Default 1e6. */
  explodingVariance?: number;
  /** Batch variance above this many times the moving variance (once the layer has had 1/(1-momentum) updates): exploding. Default 100. */
  varianceJump?: number;
}

export const FLAG_DEFAULTS = { deadGamma: 1e-3, deadVariance: 1e-5, explodingVariance: 1e6, varianceJump: 100 } as const;

export interface BatchNormFlag {
  kind: FlagKind;
  layer: string;
  feature: number;
  /** The value that tripped the flag (gamma, a variance, or the variance ratio). */
  value: number;
  message: string;
}

/** Validated thresholds with their defaults. */
export function checkThresholds(fn: string, t: FlagThresholds = {}): Required<FlagThresholds> {
  const o = { ...FLAG_DEFAULTS, ...t };
  for (const k of Object.keys(FLAG_DEFAULTS) as (keyof FlagThresholds)[]) {
    assertFiniteNumber(fn, k, o[k]);
    if (o[k] <= 0) throw new InvalidArgumentError(`${fn}: ${k} must be > 0, received ${o[k]}.`);
  }
  return o;
}

/** The statistics a flag check reads: one batch's, the layer's moving ones, and whether the layer is past warm-up. */
export interface FlagInput {
  mean: ArrayLike<number>;
  variance: ArrayLike<number>;
  moving: MovingStatistics;
  /** The moving variance is trustworthy (enough updates) for the variance-jump check. */
  warmedUp: boolean;
}

const fmt = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(3)).toString() : String(v));

/** Every flag for every feature of one layer (at most one per feature: the most serious). */
export function featureFlags(layer: BatchNormalization, s: FlagInput, t: Required<FlagThresholds>): BatchNormFlag[] {
  const gamma = layer.gamma ? readValues(layer.gamma.value) : null;
  const beta = layer.beta ? readValues(layer.beta.value) : null;
  const flags: BatchNormFlag[] = [];
  const at = `BatchNormalization '${layer.name}' feature`;
  for (let j = 0; j < s.moving.mean.length; j++) {
    const flag = (kind: FlagKind, value: number, what: string) => flags.push({ kind, layer: layer.name, feature: j, value, message: `${at} ${j}: ${what}` });
    const values = { 'batch mean': s.mean[j], 'batch variance': s.variance[j], 'moving mean': s.moving.mean[j], 'moving variance': s.moving.variance[j], gamma: gamma?.[j] ?? 1, beta: beta?.[j] ?? 0 };
    const bad = Object.entries(values).find(([, v]) => !Number.isFinite(v));
    if (bad) flag('non-finite', bad[1], `${bad[0]} is ${bad[1]} (non-finite: a diverged step or non-finite inputs upstream).`);
    else if (Math.abs(values.gamma) < t.deadGamma) flag('dead-gamma', values.gamma, `gamma is ${fmt(values.gamma)} (|gamma| < ${t.deadGamma}): dead, its output is beta whatever the input.`);
    else if (s.variance[j] < t.deadVariance) flag('dead-variance', s.variance[j], `batch variance is ${fmt(s.variance[j])} (< ${t.deadVariance}): its input is about constant, so its output is about beta.`);
    else if (s.variance[j] > t.explodingVariance) flag('exploding-variance', s.variance[j], `batch variance is ${fmt(s.variance[j])} (> ${t.explodingVariance}): exploding activations.`);
    else if (s.warmedUp && s.variance[j] > t.varianceJump * s.moving.variance[j]) {
      const ratio = s.variance[j] / s.moving.variance[j];
      flag('variance-jump', ratio, `batch variance is ${fmt(ratio)} times the moving variance (> ${t.varianceJump}x): exploding activations.`);
    }
  }
  return flags;
}
