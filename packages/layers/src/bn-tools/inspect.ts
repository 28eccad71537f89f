import { InvalidArgumentError, assertPositiveInt, describeValue, tidy, type Tensor } from '@batchwise/core';
import { sliceRows } from '../engine/tensor-utils.js';
import { readValues } from '../engine/values.js';
import type { LayersModel } from '../models/layers-model.js';
import { checkBatchNorm, type BatchNormCheck } from './check.js';
import { emptyStatistics, featureStatistics, mergeStatistics, varianceOf } from './feature-statistics.js';
import { checkThresholds, featureFlags, type BatchNormFlag, type FlagThresholds } from './flags.js';
import { featureGaps, movingStatisticsOf, worstGap, type WorstGap } from './gaps.js';
import { batchNormCalls, forwardTo, graphOf, modelInputs } from './graph.js';
import { describeStaleness, updatesNeeded } from './staleness.js';

export interface InspectBatchNormOptions extends FlagThresholds {
  /** Examples per forward pass; also the batch checkBatchNorm runs on (the first one). Default 32. */
  batchSize?: number;
  /** Use at most this many batches, from the start of the data. Default: all. */
  batches?: number;
}

export const INSPECT_DEFAULTS = { batchSize: 32 } as const;

/** One batch-norm call against the data: per feature, what inference feeds it versus its moving statistics. */
export interface LayerInspection {
  /** Layer name (`#k` for its k-th call, k >= 2). */
  layer: string;
  updates: number | null;
  /** Null: a cumulative average. */
  momentum: number | null;
  /** A sentence when the moving statistics were never or barely updated; null otherwise. */
  staleness: string | null;
  /** Values per feature over the whole data. */
  count: number;
  /** Mean and biased variance of the layer's input over the data, with every layer in inference mode. */
  dataMean: Float64Array;
  dataVariance: Float64Array;
  movingMean: Float64Array;
  movingVariance: Float64Array;
  gamma: Float64Array | null;
  beta: Float64Array | null;
  meanGap: Float64Array;
  varianceRatio: Float64Array;
  worst: WorstGap;
  flags: BatchNormFlag[];
}

export interface BatchNormInspection {
  samples: number;
  batches: number;
  layers: LayerInspection[];
  /** Training versus inference mode on the first batch. */
  check: BatchNormCheck;
}

function checkOptions(fn: string, options: unknown) {
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError(`${fn}: options must be an object, received ${describeValue(options)}.`);
  const { batchSize = INSPECT_DEFAULTS.batchSize, batches, ...thresholds } = options as InspectBatchNormOptions;
  assertPositiveInt(fn, 'batchSize', batchSize);
  if (batches !== undefined) assertPositiveInt(fn, 'batches', batches);
  return { batchSize, batches: batches ?? Infinity, thresholds: checkThresholds(fn, thresholds) };
}

/**
 * Every batch norm of the model against data: the population statistics of
 * what each layer is fed at inference (merged over the batches in float64)
 * versus its moving statistics, its update count, flagged features (see
 * flags.ts), and checkBatchNorm on the first batch. Changes nothing.
 */
export function inspectBatchNorm(model: LayersModel, x: Tensor | Tensor[], options: InspectBatchNormOptions = {}): BatchNormInspection {
  const fn = 'inspectBatchNorm';
  const graph = graphOf(fn, model);
  const o = checkOptions(fn, options);
  const xs = modelInputs(fn, graph, x);
  const n = xs[0].shape[0];
  if (n === 0) throw new InvalidArgumentError(`${fn}: x must hold at least one example, received 0.`);
  const batches = Math.min(o.batches, Math.ceil(n / o.batchSize));
  const calls = batchNormCalls(graph);
  let acc = calls.map((c) => emptyStatistics(c.layer.movingMean.shape[0]));
  for (let b = 0; b < batches; b++) {
    const start = b * o.batchSize;
    const end = Math.min(n, start + o.batchSize);
    acc = tidy(() => {
      const values = forwardTo(graph, xs.map((t) => sliceRows(t, start, end)), calls.map((c) => c.input), { batchStatistics: false });
      return calls.map((c, i) => mergeStatistics(acc[i], featureStatistics(values.get(c.input.id) as Tensor, c.axis)));
    });
  }
  const check = tidy(() => {
    const first = xs.map((t) => sliceRows(t, 0, Math.min(n, o.batchSize)));
    return checkBatchNorm(model, first.length === 1 ? first[0] : first);
  });
  const f64 = (t: Tensor | undefined) => (t ? Float64Array.from(readValues(t)) : null);
  const layers = calls.map((c, i): LayerInspection => {
    const s = acc[i];
    const variance = varianceOf(s);
    const moving = movingStatisticsOf(c.layer);
    const g = featureGaps(s.mean, variance, s.count, moving);
    const updates = c.layer.movingUpdates;
    const warmedUp = updates === null || updates >= updatesNeeded(c.layer.momentum);
    return {
      layer: check.layers[i].layer, updates, momentum: c.layer.momentum, staleness: describeStaleness(c.layer), count: s.count,
      dataMean: s.mean, dataVariance: variance, movingMean: moving.mean, movingVariance: moving.variance,
      gamma: f64(c.layer.gamma?.value), beta: f64(c.layer.beta?.value),
      meanGap: g.meanGap, varianceRatio: g.varianceRatio, worst: worstGap(g),
      flags: featureFlags(c.layer, { mean: s.mean, variance, moving, warmedUp }, o.thresholds),
    };
  });
  return { samples: Math.min(n, batches * o.batchSize), batches, layers, check };
}
