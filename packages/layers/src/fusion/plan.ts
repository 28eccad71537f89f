import type { SymbolicTensor } from '../engine/symbolic-tensor.js';
import type { Graph } from '../engine/topology.js';
import { Activation } from '../layers/activation.js';
import { BatchNormalization } from '../layers/batch-normalization.js';
import { Conv2D } from '../layers/conv2d.js';
import { MaxPooling2D } from '../layers/max-pooling2d.js';

/*
 * Layer chains that a fused kernel can run in one call, found once per graph:
 *   BatchNormalization -> Activation('relu') [-> MaxPooling2D]           (training)
 *   Conv2D -> BatchNormalization -> Activation('relu') [-> MaxPooling2D] (training and inference)
 * A chain only covers tensors that nothing else reads (no other consumer, not
 * a model output), so skipping them changes no value anyone sees.
 */

export interface BatchNormReluChain {
  /** The batch norm's input, and the chain's. */
  input: SymbolicTensor;
  bn: BatchNormalization;
  /** Present when a MaxPooling2D reads the ReLU output and nothing else does. */
  pool: MaxPooling2D | null;
  /** The chain's tensors in order: batch norm, ReLU, [pool]. The last is the chain's output. */
  tensors: SymbolicTensor[];
}

export interface ConvBatchNormReluChain extends BatchNormReluChain {
  conv: Conv2D;
}

export interface FusionPlan {
  /** Batch norm chains (training) by the id of their batch-norm tensor. */
  batchNorm: Map<number, BatchNormReluChain>;
  /** Conv chains by the id of their conv tensor (training and inference). */
  conv: Map<number, ConvBatchNormReluChain>;
}

const plans = new WeakMap<Graph, FusionPlan>();

/** The graph's chains (computed on first use, then cached with the graph). */
export function fusionPlan(graph: Graph): FusionPlan {
  let plan = plans.get(graph);
  if (!plan) {
    plan = findChains(graph);
    plans.set(graph, plan);
  }
  return plan;
}

function findChains(graph: Graph): FusionPlan {
  const consumers = new Map<number, SymbolicTensor[]>();
  for (const t of graph.order) for (const p of t.inputs) consumers.set(p.id, [...(consumers.get(p.id) ?? []), t]);
  const outputs = new Set(graph.outputs.map((t) => t.id));
  /** The one tensor that reads t, when t is read by exactly one and is not a model output. */
  const onlyConsumer = (t: SymbolicTensor): SymbolicTensor | null => {
    const c = consumers.get(t.id) ?? [];
    return c.length === 1 && !outputs.has(t.id) ? c[0] : null;
  };
  const batchNorm = new Map<number, BatchNormReluChain>();
  const conv = new Map<number, ConvBatchNormReluChain>();
  for (const t of graph.order) {
    const bn = t.sourceLayer;
    if (!(bn instanceof BatchNormalization) || t.inputs.length !== 1 || bn.resolveAxis(t.rank) !== t.rank - 1) continue;
    const relu = onlyConsumer(t);
    if (!relu || !(relu.sourceLayer instanceof Activation) || relu.sourceLayer.activation !== 'relu') continue;
    const next = onlyConsumer(relu);
    const pool = next && next.sourceLayer instanceof MaxPooling2D ? next : null;
    const chain: BatchNormReluChain = {
      input: t.inputs[0],
      bn,
      pool: pool ? (pool.sourceLayer as MaxPooling2D) : null,
      tensors: pool ? [t, relu, pool] : [t, relu],
    };
    batchNorm.set(t.id, chain);
    const convOut = chain.input;
    const layer = convOut.sourceLayer;
    if (layer instanceof Conv2D && layer.activation === 'linear' && !layer.useBias && convOut.inputs.length === 1 && onlyConsumer(convOut) === t) {
      conv.set(convOut.id, { ...chain, conv: layer, input: convOut.inputs[0], tensors: [convOut, ...chain.tensors] });
    }
  }
  return { batchNorm, conv };
}
