import type { BatchNormalization } from '../layers/batch-normalization.js';
import { ratioFactor, type WorstGap } from './gaps.js';
import { describeStaleness, stalenessOf } from './staleness.js';

/*
 * Why a batch norm's training-mode and inference-mode outputs differ, in
 * words, from what checkBatchNorm measured. Inference normalizes with the
 * moving statistics, training with the batch's; they differ because the
 * moving ones were never (or barely) updated, because the weights changed
 * after they were estimated (stale), because this batch is not like the
 * training data (shift), because a small batch's own statistics are noisy,
 * or because an earlier layer already diverged.
 */

export type CauseKind = 'non-finite' | 'never-updated' | 'too-few-updates' | 'stale-statistics' | 'distribution-shift' | 'stale-or-shift' | 'batch-too-small' | 'inherited';

export interface BatchNormCause {
  kind: CauseKind;
  message: string;
}

/** What diagnose reads of a layer's check. */
export interface CheckFacts {
  divergence: number;
  valuesPerFeature: number;
  gap: WorstGap;
  referenceGap: WorstGap | null;
}

const gapWords = (g: WorstGap) =>
  `${g.meanGap.toFixed(2)} standard deviations in mean and ${ratioFactor(g.varianceRatio).toFixed(2)}x in variance (feature ${g.feature})`;

const RECALIBRATE = 'recompute them with model.recalibrateBatchNorm(trainingData)';

/** Causes, most likely first; empty when the layer does not diverge by more than `tolerance`. */
export function diagnose(layer: BatchNormalization, c: CheckFacts, upstream: readonly string[], tolerance: number): BatchNormCause[] {
  if (!Number.isFinite(c.divergence)) {
    return [{ kind: 'non-finite', message: 'non-finite outputs in training or inference mode: check the inputs and the weights for NaN or infinite values (batchNormMonitor names the feature).' }];
  }
  if (c.divergence <= tolerance) return [];
  const causes: BatchNormCause[] = [];
  const staleness = stalenessOf(layer);
  const stale = describeStaleness(layer, staleness);
  if (stale !== null) causes.push({ kind: staleness.kind as CauseKind, message: `${stale} Train longer or ${RECALIBRATE}.` });
  if (c.gap.significant && stale === null) {
    if (c.referenceGap && c.referenceGap.significant) {
      causes.push({
        kind: 'stale-statistics',
        message: `stale statistics: the moving statistics match neither this batch (off by ${gapWords(c.gap)}) nor the reference data (off by ${gapWords(c.referenceGap)}); the weights changed after they were estimated (weight averaging, fine-tuning, a large learning rate). ${cap(RECALIBRATE)}.`,
      });
    } else if (c.referenceGap) {
      causes.push({
        kind: 'distribution-shift',
        message: `distribution shift: the moving statistics match the reference data but not this batch (off by ${gapWords(c.gap)}): the input is not distributed like the training data.`,
      });
    } else {
      causes.push({
        kind: 'stale-or-shift',
        message: `stale statistics or distribution shift: this batch is off the moving statistics by ${gapWords(c.gap)}, far beyond sampling noise; pass training data as options.reference to tell the two apart, and if the training data is off too, ${RECALIBRATE}.`,
      });
    }
  }
  if (causes.length === 0 && upstream.length > 0) {
    causes.push({ kind: 'inherited', message: `inherits the divergence of ${upstream.map((n) => `'${n}'`).join(', ')} before it; its own statistics agree within sampling noise.` });
  }
  if (causes.length === 0) {
    const n = c.valuesPerFeature;
    causes.push({
      kind: 'batch-too-small',
      message: `batch too small: ${n} value${n === 1 ? '' : 's'} per feature; its statistics agree with the moving ones within sampling noise (about 1/sqrt(${n}) = ${(1 / Math.sqrt(n)).toFixed(2)} standard deviations), yet that noise alone moves the training-mode output, which therefore depends on the rest of the batch. Use larger batches for training-mode passes.`,
    });
  }
  return causes;
}

const cap = (s: string) => s[0].toUpperCase() + s.slice(1);
