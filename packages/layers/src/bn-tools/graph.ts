import { InvalidArgumentError, describeValue, type Tensor } from '@batchwise/core';
import type { Layer } from '../engine/layer.js';
import type { SymbolicTensor } from '../engine/symbolic-tensor.js';
import { buildGraph, type Graph } from '../engine/topology.js';
import { BatchNormalization } from '../layers/batch-normalization.js';
import type { LayersModel } from '../models/layers-model.js';
import { checkInputs } from '../models/data-checks.js';
import { withStateRestored } from './layer-snapshot.js';

/** One call of a BatchNormalization layer in a model graph. */
export interface BatchNormCall {
  layer: BatchNormalization;
  /** What the call normalizes. */
  input: SymbolicTensor;
  output: SymbolicTensor;
  /** The feature axis, resolved against the input's rank. */
  axis: number;
}

/** The model's graph, rebuilt from its public inputs and outputs. */
export function graphOf(fn: string, model: LayersModel): Graph {
  const m = model as unknown;
  if (m === null || typeof m !== 'object' || !('outputs' in m) || !('inputs' in m)) {
    throw new InvalidArgumentError(`${fn}: model must be a LayersModel (sequential() or model()), received ${describeValue(m)}.`);
  }
  return buildGraph(fn, model.inputs, model.outputs);
}

/** Every BatchNormalization call, in topological order. */
export function batchNormCalls(graph: Graph): BatchNormCall[] {
  return graph.order
    .filter((t) => t.sourceLayer instanceof BatchNormalization && t.inputs.length === 1)
    .map((t) => {
      const layer = t.sourceLayer as BatchNormalization;
      return { layer, input: t.inputs[0], output: t, axis: layer.resolveAxis(t.rank) };
    });
}

/** The distinct BatchNormalization layers of a graph, in order of their first call. */
export function batchNormLayers(graph: Graph): BatchNormalization[] {
  return [...new Set(batchNormCalls(graph).map((c) => c.layer))];
}

/** Validated input tensors of a model (one tensor or a list, one per input). */
export function modelInputs(fn: string, graph: Graph, x: unknown): Tensor[] {
  return checkInputs(fn, graph.inputs, x as Tensor | Tensor[]);
}

/** How a forward walk runs the layers it visits. */
export interface WalkMode {
  /**
   * BatchNormalization layers normalize with the batch's statistics (their
   * training path) but keep their state: every weight and counter is put back
   * afterwards, so nothing is updated. Every other layer runs in inference
   * mode (Dropout off), so batch norm is the only difference from predict.
   */
  batchStatistics: boolean;
}

/**
 * Runs the graph on validated inputs, computing only what `targets` depend
 * on; returns every value it computed by tensor id. Call it inside a tidy.
 */
export function forwardTo(graph: Graph, inputs: Tensor[], targets: readonly SymbolicTensor[], mode: WalkMode): Map<number, Tensor> {
  const needed = ancestors(targets);
  const values = new Map<number, Tensor>();
  graph.inputs.forEach((t, i) => values.set(t.id, inputs[i]));
  for (const t of graph.order) {
    if (values.has(t.id) || !needed.has(t.id)) continue;
    const args = t.inputs.map((p) => values.get(p.id) as Tensor);
    const layer = t.sourceLayer;
    // A batch norm's state is put back in both modes: inference passes record batch statistics too (recordBatchStatistics).
    if (layer instanceof BatchNormalization) values.set(t.id, withStateRestored(layer, () => layer.forward(args, { training: mode.batchStatistics }).output));
    else values.set(t.id, layer.forward(args, { training: false }).output);
  }
  return values;
}

function ancestors(targets: readonly SymbolicTensor[]): Set<number> {
  const seen = new Set<number>();
  const stack = [...targets];
  while (stack.length > 0) {
    const t = stack.pop() as SymbolicTensor;
    if (seen.has(t.id)) continue;
    seen.add(t.id);
    stack.push(...t.inputs);
  }
  return seen;
}

