import type { Layer } from './layer.js';

/** A shape with an unknown (null) batch dimension first, as in Keras: `[null, 28, 28, 1]`. */
export type SymbolicShape = readonly (number | null)[];

let nextId = 1;

/**
 * The output of a layer in a model graph before any data flows: its shape
 * (batch unknown) and the layer call that produces it. `model({ inputs,
 * outputs })` walks these links back to find the graph.
 */
export class SymbolicTensor {
  readonly id = nextId++;
  constructor(
    readonly shape: SymbolicShape,
    /** The layer whose call produced this tensor. */
    readonly sourceLayer: Layer,
    /** The tensors that call consumed (empty for an input). */
    readonly inputs: readonly SymbolicTensor[],
    /** Which call of `sourceLayer` (a layer may be applied several times). */
    readonly nodeIndex: number,
  ) {}

  get rank(): number {
    return this.shape.length;
  }

  toString(): string {
    return `SymbolicTensor[${this.shape.map((d) => (d === null ? 'null' : d)).join(',')}] from '${this.sourceLayer.name}'`;
  }
}

export function formatSymbolicShape(shape: SymbolicShape): string {
  return `[${shape.map((d) => (d === null ? 'null' : d)).join(',')}]`;
}
