import { InvalidArgumentError } from '@batchwise/core';
import { Layer } from '../engine/layer.js';
import { nextUid } from '../engine/naming.js';
import type { SymbolicTensor } from '../engine/symbolic-tensor.js';
import { buildGraph } from '../engine/topology.js';
import { InputLayer } from '../layers/input-layer.js';
import { LayersModel } from './layers-model.js';

export interface SequentialArgs {
  layers?: Layer[];
  name?: string;
}

/**
 * A linear stack of layers (tfjs `tf.sequential`). The first layer needs
 * `inputShape` or `batchInputShape`; an input layer is created from it.
 */
export class Sequential extends LayersModel {
  override readonly className = 'Sequential';
  private inputLayer: InputLayer | null = null;
  private stack: Layer[] = [];
  private output: SymbolicTensor | null = null;

  constructor(args: SequentialArgs = {}) {
    super({ name: args.name ?? `sequential_${nextUid('sequential')}` });
    if (args.layers !== undefined && !Array.isArray(args.layers)) {
      throw new InvalidArgumentError(`sequential: layers must be a list of layers, received ${String(args.layers)}.`);
    }
    for (const layer of args.layers ?? []) this.add(layer);
  }

  /** Layers in order, without the implicit input layer (as tfjs). */
  override get layers(): Layer[] {
    return [...this.stack];
  }

  add(layer: Layer): void {
    const fn = `Sequential '${this.name}' add`;
    if (!(layer instanceof Layer)) {
      throw new InvalidArgumentError(`${fn}: layer must be a layer from layers.*, received ${(layer as object)?.constructor?.name ?? String(layer)}.`);
    }
    if (layer instanceof InputLayer) {
      if (this.inputLayer) throw new InvalidArgumentError(`${fn}: an input layer must come first, received '${layer.name}' after other layers.`);
      this.inputLayer = layer;
      this.output = layer.output;
    } else {
      if (!this.output) {
        if (!layer.batchInputShape) {
          throw new InvalidArgumentError(`${fn}: the first layer ('${layer.name}') must get inputShape or batchInputShape, received neither.`);
        }
        this.inputLayer = new InputLayer({ batchInputShape: [...layer.batchInputShape], name: `${layer.name}_input` });
        this.output = this.inputLayer.output;
      }
      this.output = layer.apply(this.output);
      this.stack.push(layer);
    }
    this.setGraph(buildGraph(fn, [this.inputLayer!.output], [this.output]));
    this.compiled = null;
  }
}
