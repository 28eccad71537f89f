import { InvalidArgumentError, describeValue, ops, tidy, type Tensor } from '@batchwise/core';
import { readScalar } from '../engine/values.js';
import type { Graph } from '../engine/topology.js';
import type { LayersModel } from '../models/layers-model.js';
import { featureStatistics, varianceOf } from './feature-statistics.js';
import { featureGaps, movingStatisticsOf, worstGap, type WorstGap } from './gaps.js';
import { batchNormCalls, forwardTo, graphOf, modelInputs, type BatchNormCall } from './graph.js';
import { diagnose, type BatchNormCause } from './causes.js';
import { formatTextTable } from './text-table.js';

/** Options of checkBatchNorm. */
export interface CheckBatchNormOptions {
  /**
   * Data the model was trained on (a batch or more). With it, a layer whose
   * moving statistics match the training data but not `x` is told apart as a
   * distribution shift from one whose statistics match neither (stale).
   */
  reference?: Tensor | Tensor[];
}

/** How one batch-norm call behaves on the batch in training mode versus inference mode. */
export interface BatchNormLayerCheck {
  /** Layer name (with `#k` for the k-th call of a layer called more than once, k >= 2). */
  layer: string;
  /** Values per feature in the batch (batch size times every axis but the feature axis). */
  valuesPerFeature: number;
  /** RMS of (training-mode output - inference-mode output) / the larger RMS of the two outputs. */
  divergence: number;
  /** The batch's statistics against the moving ones, at the worst feature (the input as in training: batch norms before it use batch statistics). */
  gap: WorstGap;
  /** The reference data's gap, when `reference` was given. */
  referenceGap: WorstGap | null;
  /** Moving-statistics updates so far (null: unknown, e.g. loaded from a TensorFlow.js file). */
  updates: number | null;
  /** Null: a cumulative average. */
  momentum: number | null;
  /** Why it diverges, most likely first; empty when it does not. */
  causes: BatchNormCause[];
}

export interface BatchNormCheck {
  batchSize: number;
  layers: BatchNormLayerCheck[];
  /** The same relative RMS difference for each model output. */
  outputDivergence: number[];
  /** Rows whose arg-max class is the same in both modes, per output (null for one-unit outputs). */
  agreement: (number | null)[];
  /** No layer has a cause. */
  ok: boolean;
}

/** Divergence below this is rounding and sampling noise, not a train/eval mismatch. */
export const DIVERGENCE_TOLERANCE = 0.05;

/** RMS(a - b) / max(RMS(a), RMS(b)): 0 for equal tensors, at most 2, NaN when a value is not finite. */
function relativeRms(a: Tensor, b: Tensor): number {
  return tidy(() => {
    const diff = readScalar(ops.mean(ops.square(ops.sub(a, b))));
    const scale = Math.max(readScalar(ops.mean(ops.square(a))), readScalar(ops.mean(ops.square(b))));
    return scale === 0 ? 0 : Math.sqrt(diff / scale);
  });
}

function argMaxAgreement(a: Tensor, b: Tensor): number | null {
  const units = a.shape[a.rank - 1];
  if (units < 2) return null;
  return tidy(() => {
    const rows = a.size / units;
    const same = ops.equal(ops.argMax(a.reshape([rows, units])), ops.argMax(b.reshape([rows, units])));
    return readScalar(ops.mean(same));
  });
}

function callLabels(calls: BatchNormCall[]): string[] {
  const seen = new Map<string, number>();
  return calls.map((c) => {
    const k = (seen.get(c.layer.name) ?? 0) + 1;
    seen.set(c.layer.name, k);
    return k === 1 ? c.layer.name : `${c.layer.name}#${k}`;
  });
}

/** Gap of each call's input statistics, with every batch norm before it in training mode, from its layer's moving statistics. */
function inputGaps(calls: BatchNormCall[], values: Map<number, Tensor>): WorstGap[] {
  return calls.map((c) => {
    const s = featureStatistics(values.get(c.input.id) as Tensor, c.axis);
    return worstGap(featureGaps(s.mean, varianceOf(s), s.count, movingStatisticsOf(c.layer)));
  });
}

/**
 * Runs one batch through the model twice, with batch statistics in every
 * batch norm (training mode) and with the moving ones (inference mode),
 * changing nothing (no moving-average update, no counter; Dropout stays off
 * in both, so batch norm is the only difference), and says per layer how far
 * the two diverge and why.
 */
export function checkBatchNorm(model: LayersModel, x: Tensor | Tensor[], options: CheckBatchNormOptions = {}): BatchNormCheck {
  const fn = 'checkBatchNorm';
  const graph = graphOf(fn, model);
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError(`${fn}: options must be an object, received ${describeValue(options)}.`);
  for (const k of Object.keys(options)) if (k !== 'reference') throw new InvalidArgumentError(`${fn}: options must only hold reference, received '${k}'.`);
  const xs = modelInputs(fn, graph, x);
  const reference = options.reference === undefined ? null : modelInputs(`${fn} reference`, graph, options.reference);
  const calls = batchNormCalls(graph);
  const labels = callLabels(calls);
  return tidy(() => {
    const targets = [...calls.map((c) => c.output), ...graph.outputs];
    const train = forwardTo(graph, xs, targets, { batchStatistics: true });
    const infer = forwardTo(graph, xs, targets, { batchStatistics: false });
    // A layer's moving statistics estimate its input in training, where the batch norms before it use batch statistics.
    const gaps = inputGaps(calls, train);
    const referenceGaps = reference ? inputGaps(calls, forwardTo(graph, reference, calls.map((c) => c.input), { batchStatistics: true })) : null;
    const pair = (id: number) => [train.get(id) as Tensor, infer.get(id) as Tensor] as const;
    const layers: BatchNormLayerCheck[] = [];
    calls.forEach((c, i) => {
      const [t, e] = pair(c.output.id);
      const check: BatchNormLayerCheck = {
        layer: labels[i],
        valuesPerFeature: t.size / t.shape[c.axis],
        divergence: relativeRms(t, e),
        gap: gaps[i],
        referenceGap: referenceGaps ? referenceGaps[i] : null,
        updates: c.layer.movingUpdates,
        momentum: c.layer.momentum,
        causes: [],
      };
      const upstream = layers.filter((l, k) => l.divergence > DIVERGENCE_TOLERANCE && isUpstream(calls[k], c));
      check.causes = diagnose(c.layer, check, upstream.map((l) => l.layer), DIVERGENCE_TOLERANCE);
      layers.push(check);
    });
    const outputDivergence = graph.outputs.map((o) => relativeRms(...pair(o.id)));
    const agreement = graph.outputs.map((o) => argMaxAgreement(...pair(o.id)));
    return { batchSize: xs[0].shape[0], layers, outputDivergence, agreement, ok: layers.every((l) => l.causes.length === 0) };
  });
}

function isUpstream(a: BatchNormCall, b: BatchNormCall): boolean {
  const stack = [b.input];
  const seen = new Set<number>();
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (t.id === a.output.id) return true;
    if (seen.has(t.id)) continue;
    seen.add(t.id);
    stack.push(...t.inputs);
  }
  return false;
}

const fixed = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : String(v));

/** The check as a table: one row per batch-norm call (mean gap in moving standard deviations, at the worst feature). */
export function checkTable(check: BatchNormCheck): { header: string[]; rows: string[][] } {
  return {
    header: ['layer', 'values/feature', 'updates', 'divergence', 'worst feature', 'mean gap', 'var ratio', 'cause'],
    rows: check.layers.map((l) => [
      l.layer, String(l.valuesPerFeature), l.updates === null ? '?' : String(l.updates), fixed(l.divergence),
      String(l.gap.feature), fixed(l.gap.meanGap), `${fixed(l.gap.varianceRatio)}x`,
      l.causes.length === 0 ? 'ok' : l.causes.map((k) => k.kind).join(', '),
    ]),
  };
}

/** The check as text: the table, then each cause in words. */
export function formatBatchNormCheck(check: BatchNormCheck): string {
  const { header, rows } = checkTable(check);
  const agreement = check.agreement[0];
  return [
    `training vs inference mode on ${check.batchSize} examples: output divergence ${fixed(check.outputDivergence[0])}` +
      (agreement === null ? '' : `, same arg-max class for ${(agreement * 100).toFixed(1)} %`),
    formatTextTable(header, rows),
    ...check.layers.flatMap((l) => l.causes.map((c) => `${l.layer}: ${c.message}`)),
  ].join('\n');
}
