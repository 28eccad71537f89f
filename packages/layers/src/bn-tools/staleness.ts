import { allEqual } from '../engine/values.js';
import { warn } from '../engine/warnings.js';
import type { Layer } from '../engine/layer.js';
import { BatchNormalization } from '../layers/batch-normalization.js';

/*
 * Whether a batch norm's moving statistics can be trusted yet. A moving
 * average m_n = momentum * m_(n-1) + (1 - momentum) * batch still weighs its
 * initializer by momentum^n after n updates; it forgets it (weight 1/e) after
 * about 1/(1 - momentum) updates, 100 at the default momentum 0.99.
 */

/**
 * Updates after which the initializer's weight in the moving averages is at most 1/e; 1 for a
 * cumulative average (momentum null), which replaces the initializer at its first update.
 */
export function updatesNeeded(momentum: number | null): number {
  if (momentum === null) return 1;
  // toPrecision: 1 / (1 - 0.9) is 10.000000000000002 in binary, and means 10.
  return momentum >= 1 ? Infinity : Math.ceil(Number((1 / (1 - momentum)).toPrecision(12)));
}

const CONSTANT_INITIALIZERS: Record<string, number | undefined> = { Zeros: 0, Ones: 1 };

/** The constant an initializer fills with (zeros, ones, constant), or null for a random one. */
function constantOf(init: BatchNormalization['initializers']['movingMean']): number | null {
  if (init.className === 'Constant') return (init.getConfig() as { value: number }).value;
  return CONSTANT_INITIALIZERS[init.className] ?? null;
}

/** Both moving statistics still hold exactly what their (constant) initializers filled them with. */
export function atInitializers(layer: BatchNormalization): boolean {
  const pairs = [
    [layer.movingMean, constantOf(layer.initializers.movingMean)],
    [layer.movingVariance, constantOf(layer.initializers.movingVariance)],
  ] as const;
  return pairs.every(([w, c]) => c !== null && allEqual(w.value, c));
}

export type Staleness =
  | { kind: 'never-updated' }
  | { kind: 'too-few-updates'; updates: number; needed: number; initializerWeight: number }
  | { kind: 'fresh' };

/**
 * Never updated: the statistics equal their initializers (whatever the count
 * says: a file from TensorFlow.js carries no count). Too few updates: the
 * layer's own count (movingUpdates) is between 1 and updatesNeeded, for an
 * exponential average without bias correction. A count
 * of 0 on statistics that are not the initializers' (set with setWeights or
 * loaded from elsewhere) says nothing, like null.
 */
export function stalenessOf(layer: BatchNormalization): Staleness {
  if (atInitializers(layer)) return { kind: 'never-updated' };
  const { momentum, movingUpdates: updates } = layer;
  // A cumulative or bias-corrected average holds no initializer weight after its first update.
  if (momentum === null || layer.biasCorrection) return { kind: 'fresh' };
  const needed = updatesNeeded(momentum);
  if (updates !== null && updates > 0 && updates < needed) return { kind: 'too-few-updates', updates, needed, initializerWeight: momentum ** updates };
  return { kind: 'fresh' };
}

/**
 * The update count that says "the initializers no longer show": the number of
 * moving-average updates after which their weight momentum^n is below
 * float32's resolution (2^-24), and at least `batches`. Exact statistics
 * (recalibration) carry no trace of the initializers, so a bias correction
 * 1 / (1 - momentum^n) is then 1 to float32 precision and no stale warning
 * fires. 1656 at momentum 0.99; the number of batches for a cumulative average.
 */
export function updatesForExactStatistics(momentum: number | null, batches: number): number {
  // A cumulative average (momentum null) weighs its next batch 1 / (count + 1): the count is the batches averaged.
  if (momentum === null || momentum <= 0 || momentum >= 1) return batches;
  return Math.max(batches, Math.ceil((-24 * Math.LN2) / Math.log(momentum)));
}

/** One sentence on a stale layer, or null when it is fresh. */
export function describeStaleness(layer: BatchNormalization, s: Staleness = stalenessOf(layer)): string | null {
  if (s.kind === 'never-updated') {
    return `${layer.label}: the moving mean and variance were never updated (still at their initializers), so inference normalizes with them instead of the data's statistics.`;
  }
  if (s.kind === 'too-few-updates') {
    return (
      `${layer.label}: the moving statistics have had ${s.updates} update${s.updates === 1 ? '' : 's'}, fewer than 1/(1 - momentum) = ${s.needed}; ` +
      `the initializers still weigh ${(s.initializerWeight * 100).toFixed(0)} % in them.`
    );
  }
  return null;
}

const warned = new WeakSet<BatchNormalization>();

/**
 * Warns once per layer (per process) that predict uses stale moving
 * statistics, with what to do about it.
 */
export function warnStaleStatistics(fn: string, layers: readonly Layer[]): void {
  for (const layer of layers) {
    if (!(layer instanceof BatchNormalization) || warned.has(layer)) continue;
    const text = describeStaleness(layer);
    if (text === null) continue;
    warned.add(layer);
    warn(`${fn}: ${text} Train longer, or recompute them with model.recalibrateBatchNorm(trainingData).`);
  }
}
