import { ops, tidy, zeros, type Tensor } from '@batchwise/core';
import { runBackward, runForward, type BackwardSeed, type ForwardPass } from '../engine/execute.js';
import { copyOf } from '../engine/tensor-utils.js';
import { readScalar } from '../engine/values.js';
import type { Layer, LayerVariable } from '../engine/layer.js';
import type { Graph } from '../engine/topology.js';
import { LOSSES, oneHotLabels, type LossName } from '../training/losses.js';
import type { MetricFn } from '../training/metrics.js';
import type { Optimizer } from '../training/optimizers.js';

/** What compile() fixes: optimizer, loss, metrics, and whether softmax + cross-entropy are fused. */
export interface Compiled {
  optimizer: Optimizer;
  lossName: LossName;
  metricNames: string[];
  metricFns: MetricFn[];
  /** The output layer ends in softmax and the loss is (sparse) categorical cross-entropy. */
  fused: boolean;
}

type LogitsLayer = Layer & { activation: string; logits(cache: unknown, shape: readonly number[]): Tensor };

/** Whether the output can use ops.softmaxCrossEntropy on its logits instead of the clipped general formula. */
export function canFuse(graph: Graph, lossName: LossName): boolean {
  if (lossName !== 'categoricalCrossentropy' && lossName !== 'sparseCategoricalCrossentropy') return false;
  if (graph.outputs.length !== 1) return false;
  const out = graph.outputs[0];
  const layer = out.sourceLayer as Partial<LogitsLayer>;
  const consumed = graph.order.some((t) => t.inputs.includes(out));
  return layer.activation === 'softmax' && typeof layer.logits === 'function' && !consumed;
}

export interface StepLosses {
  loss: number;
  metrics: number[];
  seed: BackwardSeed;
}

/** Loss, its gradient seed and the metrics of one forward pass. */
export function lossOf(graph: Graph, compiled: Compiled, pass: ForwardPass, y: Tensor): StepLosses {
  const out = graph.outputs[0];
  const yPred = pass.values.get(out.id) as Tensor;
  // The loss first: its checks of y name the loss, which is what a user chose.
  const { loss, seed } = lossAndSeed(compiled, out, pass, y, yPred);
  return { loss, metrics: compiled.metricFns.map((m) => m(y, yPred)), seed };
}

function lossAndSeed(compiled: Compiled, out: Graph['outputs'][number], pass: ForwardPass, y: Tensor, yPred: Tensor): { loss: number; seed: BackwardSeed } {
  if (compiled.fused) {
    const labels = compiled.lossName === 'sparseCategoricalCrossentropy' ? oneHotLabels('sparseCategoricalCrossentropy', y, yPred.shape) : y;
    const logits = (out.sourceLayer as LogitsLayer).logits(pass.caches.get(out.id), yPred.shape);
    const r = ops.softmaxCrossEntropy(logits, labels);
    const rows = r.loss.size;
    return { loss: readScalar(ops.mean(r.loss)), seed: { grad: ops.mulScalar(r.dlogits, 1 / rows), preActivation: true } };
  }
  const r = LOSSES[compiled.lossName](y, yPred);
  return { loss: r.loss, seed: { grad: r.grad, preActivation: false } };
}

/** Loss and gradients of the trainable weights (training mode), without an update. */
export function gradientsOf(graph: Graph, compiled: Compiled, weights: LayerVariable[], xs: Tensor[], y: Tensor): { loss: number; grads: Tensor[] } {
  return tidy(() => {
    const pass = runForward(graph, xs, true);
    const { loss, seed } = lossOf(graph, compiled, pass, y);
    const grads = runBackward(graph, pass, new Map([[graph.outputs[0].id, seed]]));
    return { loss, grads: weights.map((w) => grads.get(w) ?? zeros(w.shape)) };
  });
}

/**
 * One training step: forward in training mode, loss, backward in reverse
 * topological order, optimizer update. A non-finite loss skips the update and
 * restores the moving statistics (and their update count) the forward pass
 * changed, so the model is left as it was before the bad batch. Every tensor the step makes is
 * released at its end (tidy), so the next step's outputs reuse that memory.
 */
export function trainStep(graph: Graph, compiled: Compiled, weights: LayerVariable[], xs: Tensor[], y: Tensor): { loss: number; metrics: number[] } {
  return tidy(() => trainStepIn(graph, compiled, weights, xs, y));
}

function trainStepIn(graph: Graph, compiled: Compiled, weights: LayerVariable[], xs: Tensor[], y: Tensor): { loss: number; metrics: number[] } {
  const statistics = weights.filter((w) => !w.trainable || !w.layer.trainable).map((w) => [w, copyOf(w.value)] as const);
  const layerStates = graph.layers.map((l) => l.snapshotTrainingState()).filter((restore) => restore !== null);
  const pass = runForward(graph, xs, true);
  const { loss, metrics, seed } = lossOf(graph, compiled, pass, y);
  if (!Number.isFinite(loss)) {
    for (const [w, saved] of statistics) ops.assign(w.value, saved);
    for (const restore of layerStates) restore();
    return { loss, metrics };
  }
  const grads = runBackward(graph, pass, new Map([[graph.outputs[0].id, seed]]));
  compiled.optimizer.applyGradients(weights.filter((w) => grads.has(w)).map((w) => [w, grads.get(w) as Tensor] as [LayerVariable, Tensor]));
  return { loss, metrics };
}
