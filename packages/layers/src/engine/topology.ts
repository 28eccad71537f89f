import { InvalidArgumentError } from '@batchwise/core';
import type { Layer } from './layer.js';
import { SymbolicTensor } from './symbolic-tensor.js';

/** A model graph: its symbolic tensors in topological order (inputs first). */
export interface Graph {
  inputs: SymbolicTensor[];
  outputs: SymbolicTensor[];
  /** Every tensor the outputs depend on, each after all of its inputs. */
  order: SymbolicTensor[];
  /** Layers in order of first use (input layers included). */
  layers: Layer[];
}

/** Walks from the outputs back to the inputs; every source reached must be one of the inputs. */
export function buildGraph(fn: string, inputs: SymbolicTensor[], outputs: SymbolicTensor[]): Graph {
  for (const [what, list] of [['inputs', inputs], ['outputs', outputs]] as const) {
    if (list.length === 0 || !list.every((t) => t instanceof SymbolicTensor)) {
      throw new InvalidArgumentError(`${fn}: ${what} must be one or more symbolic tensors (from input() or layer.apply), received ${list.length === 0 ? 'none' : list.map((t) => (t as object)?.constructor?.name ?? String(t)).join(', ')}.`);
    }
  }
  const inputIds = new Set(inputs.map((t) => t.id));
  for (const t of inputs) {
    if (t.inputs.length > 0) throw new InvalidArgumentError(`${fn}: inputs must come from input(), received the output of '${t.sourceLayer.name}'.`);
  }
  const order: SymbolicTensor[] = [];
  const state = new Map<number, 'visiting' | 'done'>();
  const visit = (t: SymbolicTensor): void => {
    const s = state.get(t.id);
    if (s === 'done') return;
    if (s === 'visiting') throw new InvalidArgumentError(`${fn}: the graph has a cycle through '${t.sourceLayer.name}'.`);
    state.set(t.id, 'visiting');
    if (t.inputs.length === 0 && !inputIds.has(t.id)) {
      throw new InvalidArgumentError(`${fn}: outputs depend on input '${t.sourceLayer.name}', which is not in inputs.`);
    }
    for (const parent of t.inputs) visit(parent);
    state.set(t.id, 'done');
    order.push(t);
  };
  for (const t of inputs) visit(t);
  for (const t of outputs) visit(t);
  const layers: Layer[] = [];
  for (const t of order) if (!layers.includes(t.sourceLayer)) layers.push(t.sourceLayer);
  const names = new Set<string>();
  for (const l of layers) {
    if (names.has(l.name)) throw new InvalidArgumentError(`${fn}: layer names must be unique, received '${l.name}' twice.`);
    names.add(l.name);
  }
  return { inputs, outputs, order, layers };
}
