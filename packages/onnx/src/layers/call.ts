import type { Layer, SymbolicShape } from '@batchwise/layers';
import type { GraphBuilder } from '../graph/builder.js';
import type { Value } from '../graph/layout.js';

/** One call of a layer in the model graph, with its inputs already exported. */
export interface LayerCall<L extends Layer = Layer> {
  layer: L;
  inputs: Value[];
  inputShapes: SymbolicShape[];
  outputShape: SymbolicShape;
  /** The name for the call's output value: the layer name (plus the call index for a layer applied more than once). */
  name: string;
}

export type Converter<L extends Layer = Layer> = (g: GraphBuilder, call: LayerCall<L>) => Value;
