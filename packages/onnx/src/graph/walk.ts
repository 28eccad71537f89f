import type { LayersModel, SymbolicTensor } from '@batchwise/layers';

/** A model's graph as the exporter reads it: tensors in topological order and who reads each. */
export interface ModelGraph {
  inputs: SymbolicTensor[];
  outputs: SymbolicTensor[];
  /** Every tensor the outputs depend on, each after its inputs (model inputs first). */
  order: SymbolicTensor[];
  /** How many layer calls read each tensor, by id; a model output counts as one more reader. */
  readers: Map<number, number>;
  /** How many times each layer is called in the graph. */
  calls: Map<object, number>;
}

/** Walks from the outputs back to the inputs through the public SymbolicTensor links. */
export function walkModel(model: LayersModel): ModelGraph {
  const inputs = model.inputs;
  const outputs = model.outputs;
  const order: SymbolicTensor[] = [];
  const seen = new Set<number>();
  const visit = (t: SymbolicTensor): void => {
    if (seen.has(t.id)) return;
    seen.add(t.id);
    t.inputs.forEach(visit);
    order.push(t);
  };
  inputs.forEach(visit);
  outputs.forEach(visit);
  const readers = new Map<number, number>();
  const calls = new Map<object, number>();
  const bump = <K>(m: Map<K, number>, k: K) => m.set(k, (m.get(k) ?? 0) + 1);
  for (const t of order) {
    if (t.inputs.length > 0) bump(calls, t.sourceLayer);
    for (const p of t.inputs) bump(readers, p.id);
  }
  for (const t of outputs) bump(readers, t.id);
  return { inputs, outputs, order, readers, calls };
}
