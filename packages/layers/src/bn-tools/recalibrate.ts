import { InvalidArgumentError, Tensor, assertPositiveInt, describeValue, tidy } from '@batchwise/core';
import { sliceRows } from '../engine/tensor-utils.js';
import type { BatchNormalization } from '../layers/batch-normalization.js';
import type { LayersModel } from '../models/layers-model.js';
import { emptyStatistics, featureStatistics, mergeStatistics, varianceOf, type FeatureStatistics } from './feature-statistics.js';
import { movingStatisticsOf, ratioFactor } from './gaps.js';
import { batchNormCalls, batchNormLayers, forwardTo, graphOf, modelInputs } from './graph.js';
import { snapshotLayer } from './layer-snapshot.js';
import { updatesForExactStatistics } from './staleness.js';

export interface RecalibrateOptions {
  /** Examples per forward pass (memory only: the result does not depend on it). Default 32. */
  batchSize?: number;
  /** Use at most this many batches, from the start of the data (pass it shuffled). Default: all. */
  batches?: number;
  /**
   * Names of the layers to recompute. Default: every BatchNormalization whose
   * moving statistics training updates (`updateMovingStatistics`, true unless
   * frozen); a frozen one keeps the statistics the layers after it were trained with.
   */
  layers?: string[];
}

export const RECALIBRATE_DEFAULTS = { batchSize: 32 } as const;

export interface LayerRecalibration {
  layer: string;
  /** Values per feature the new statistics are over. */
  valuesPerFeature: number;
  /** Largest |new mean - old mean| / sqrt(old variance + eps) over the features. */
  meanShift: number;
  /** Largest change of the variance, as a factor >= 1 either way. */
  varianceChange: number;
}

export interface Recalibration {
  batches: number;
  samples: number;
  layers: LayerRecalibration[];
}

function checkOptions(fn: string, options: unknown, names: string[]): { batchSize: number; batches: number | null; layers: string[] | null } {
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError(`${fn}: options must be an object, received ${describeValue(options)}.`);
  const o = options as RecalibrateOptions;
  for (const k of Object.keys(o)) if (!['batchSize', 'batches', 'layers'].includes(k)) throw new InvalidArgumentError(`${fn}: options must only hold batchSize, batches, layers, received '${k}'.`);
  const batchSize = o.batchSize ?? RECALIBRATE_DEFAULTS.batchSize;
  assertPositiveInt(fn, 'batchSize', batchSize);
  if (o.batches !== undefined) assertPositiveInt(fn, 'batches', o.batches);
  if (o.layers !== undefined) {
    if (!Array.isArray(o.layers)) throw new InvalidArgumentError(`${fn}: layers must be a list of layer names, received ${describeValue(o.layers)}.`);
    for (const n of o.layers) {
      if (!names.includes(n)) throw new InvalidArgumentError(`${fn}: layers must name BatchNormalization layers (${names.map((x) => `'${x}'`).join(', ') || 'none'}), received ${describeValue(n)}.`);
    }
  }
  return { batchSize, batches: o.batches ?? null, layers: o.layers ?? null };
}

/**
 * Precise batch norm: recomputes every chosen layer's moving mean and
 * variance exactly, as the mean and biased variance of everything the layer
 * sees at inference over the given batches (per-batch statistics merged with
 * Chan's parallel formula in float64), layer by layer in graph order so that
 * each layer sees its recalibrated predecessors. No other weight changes;
 * each layer's `movingUpdates` becomes updatesForExactStatistics (exact
 * statistics hold no trace of the initializers). On an error every layer is
 * left as it was.
 */
export function recalibrateBatchNorm(model: LayersModel, x: Tensor | Tensor[], options: RecalibrateOptions = {}): Recalibration {
  const fn = 'recalibrateBatchNorm';
  const graph = graphOf(fn, model);
  const all = batchNormLayers(graph);
  const o = checkOptions(fn, options, all.map((l) => l.name));
  const xs = modelInputs(fn, graph, x);
  const n = xs[0].shape[0];
  if (n === 0) throw new InvalidArgumentError(`${fn}: x must hold at least one example, received 0.`);
  const batches = Math.min(o.batches ?? Infinity, Math.ceil(n / o.batchSize));
  const chosen = all.filter((l) => (o.layers ? o.layers.includes(l.name) : l.updateMovingStatistics));
  const calls = batchNormCalls(graph);
  const layers: LayerRecalibration[] = [];
  const recalibrateAll = () => {
    for (const layer of chosen) {
      const mine = calls.filter((c) => c.layer === layer);
      let acc = emptyStatistics(layer.movingMean.shape[0]);
      for (let b = 0; b < batches; b++) {
        const start = b * o.batchSize;
        const end = Math.min(n, start + o.batchSize);
        const merged = tidy(() => {
          const values = forwardTo(graph, xs.map((t) => sliceRows(t, start, end)), mine.map((c) => c.input), { batchStatistics: false });
          return mine.reduce((a, c) => mergeStatistics(a, requireFinite(fn, layer, featureStatistics(values.get(c.input.id) as Tensor, c.axis), b)), acc);
        });
        acc = merged;
      }
      layers.push(write(layer, acc, batches));
    }
  };
  // All or nothing: a non-finite batch half-way leaves no layer changed.
  const restore = chosen.map(snapshotLayer);
  try {
    recalibrateAll();
  } catch (e) {
    for (const r of restore) r();
    throw e;
  }
  return { batches, samples: Math.min(n, batches * o.batchSize), layers };
}

function requireFinite(fn: string, layer: BatchNormalization, s: FeatureStatistics, batch: number): FeatureStatistics {
  const j = s.mean.findIndex((v, k) => !Number.isFinite(v) || !Number.isFinite(s.m2[k]));
  if (j >= 0) {
    throw new InvalidArgumentError(`${fn}: the input of ${layer.label} must be finite, received a non-finite mean or variance in batch ${batch} (feature ${j}); check the data and the weights before it.`);
  }
  return s;
}

function write(layer: BatchNormalization, s: FeatureStatistics, batches: number): LayerRecalibration {
  const old = movingStatisticsOf(layer);
  const variance = varianceOf(s);
  let meanShift = 0;
  let varianceChange = 1;
  for (let j = 0; j < s.mean.length; j++) {
    const oldVar = old.variance[j] + old.epsilon;
    meanShift = Math.max(meanShift, Math.abs(s.mean[j] - old.mean[j]) / Math.sqrt(oldVar));
    varianceChange = Math.max(varianceChange, ratioFactor((variance[j] + old.epsilon) / oldVar));
  }
  const shape = layer.movingMean.shape;
  layer.movingMean.assign(new Tensor(Float32Array.from(s.mean), shape), 'recalibrateBatchNorm');
  layer.movingVariance.assign(new Tensor(Float32Array.from(variance), shape), 'recalibrateBatchNorm');
  layer.movingUpdates = updatesForExactStatistics(layer.momentum, batches);
  return { layer: layer.name, valuesPerFeature: s.count, meanShift, varianceChange };
}
