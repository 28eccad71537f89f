import { ops, type Tensor } from '@batchwise/core';
import { fusionPlan } from '../fusion/plan.js';
import { fusedRunAt, type FusedRun } from '../fusion/run.js';
import type { LayerVariable } from './layer.js';
import type { Graph } from './topology.js';

/** Values and caches of one forward pass, keyed by symbolic tensor id. */
export interface ForwardPass {
  values: Map<number, Tensor>;
  caches: Map<number, unknown>;
  /** Fused chains that ran, by the id of their output tensor (their inner tensors have no value). */
  fused: Map<number, FusedRun>;
}

/**
 * Runs the graph on input values (already validated) in topological order.
 * Where a chain of layers has a fused kernel on the active backend
 * (fusion/plan.ts), the chain runs as one call at its first tensor.
 */
export function runForward(graph: Graph, inputs: Tensor[], training: boolean): ForwardPass {
  const values = new Map<number, Tensor>();
  const caches = new Map<number, unknown>();
  const fused = new Map<number, FusedRun>();
  const covered = new Set<number>();
  const plan = fusionPlan(graph);
  const ctx = { training };
  graph.inputs.forEach((t, i) => values.set(t.id, inputs[i]));
  for (const t of graph.order) {
    if (values.has(t.id) || covered.has(t.id)) continue;
    const run = fusedRunAt(plan, t, ctx);
    if (run) {
      const r = run.forward(values.get(run.input.id) as Tensor);
      const out = run.tensors[run.tensors.length - 1];
      for (const inner of run.tensors) covered.add(inner.id);
      values.set(out.id, r.output);
      caches.set(out.id, r.cache);
      fused.set(out.id, run);
      continue;
    }
    const args = t.inputs.map((p) => values.get(p.id) as Tensor);
    const r = t.sourceLayer.forward(args, ctx);
    values.set(t.id, r.output);
    caches.set(t.id, r.cache);
  }
  return { values, caches, fused };
}

export interface BackwardSeed {
  /** Gradient of the loss w.r.t. this output... */
  grad: Tensor;
  /** ...or w.r.t. its pre-activation (fused softmax cross-entropy). */
  preActivation: boolean;
}

/**
 * Reverse-mode pass: visits tensors in reverse topological order and sums the
 * gradients of a tensor consumed by several layers (where paths merge).
 * Returns the gradient of every trainable weight that the loss reaches. A
 * fused chain is one step from its output back to its input.
 */
export function runBackward(graph: Graph, pass: ForwardPass, seeds: Map<number, BackwardSeed>): Map<LayerVariable, Tensor> {
  const grads = new Map<number, Tensor>();
  const weightGrads = new Map<LayerVariable, Tensor>();
  const inputIds = new Set(graph.inputs.map((t) => t.id));
  // A tensor needs its gradient only if some trainable weight lies upstream of it.
  const needsGrad = new Map<number, boolean>();
  for (const t of graph.order) {
    const own = t.sourceLayer.trainableWeights.length > 0;
    needsGrad.set(t.id, own || t.inputs.some((p) => needsGrad.get(p.id)));
  }
  for (let i = graph.order.length - 1; i >= 0; i--) {
    const t = graph.order[i];
    if (inputIds.has(t.id)) continue;
    const seed = seeds.get(t.id);
    const flowing = grads.get(t.id);
    if (!seed && !flowing) continue;
    const preActivation = seed?.preActivation === true && !flowing;
    const dy = seed && flowing ? ops.add(seed.grad, flowing) : (seed?.grad ?? flowing) as Tensor;
    const run = pass.fused.get(t.id);
    const inputs = run ? [run.input] : t.inputs;
    const options = {
      weightGrads: run ? run.trainable : t.sourceLayer.trainableWeights.length > 0,
      inputGrads: inputs.some((p) => needsGrad.get(p.id) && !inputIds.has(p.id)),
      preActivation,
    };
    if (run && !run.backward) throw new Error(`runBackward: '${t.sourceLayer.name}' ran fused in inference mode, where nothing flows back.`);
    const r = run ? run.backward!(dy, pass.caches.get(t.id), options) : t.sourceLayer.backward(dy, pass.caches.get(t.id), options);
    inputs.forEach((p, k) => {
      const d = r.dInputs[k];
      if (!d || inputIds.has(p.id)) return;
      const prev = grads.get(p.id);
      grads.set(p.id, prev ? ops.add(prev, d) : d);
    });
    for (const [v, g] of r.grads) {
      const prev = weightGrads.get(v);
      weightGrads.set(v, prev ? ops.add(prev, g) : g);
    }
  }
  return weightGrads;
}
