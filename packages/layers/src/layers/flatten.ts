import type { Tensor } from '@batchwise/core';
import { Layer, type BackwardOptions, type BackwardResult, type CallContext, type ForwardResult, type LayerArgs } from '../engine/layer.js';
import type { SymbolicShape } from '../engine/symbolic-tensor.js';
import { checkOneOf } from '../engine/layer-args.js';

/** [batch, d1, d2, ...] -> [batch, d1*d2*...]; a reshape, so no data moves (row-major). */
export class Flatten extends Layer {
  readonly className = 'Flatten';

  constructor(args: LayerArgs = {}) {
    super('Flatten', args, ['dataFormat']);
    const dataFormat = (args as { dataFormat?: unknown }).dataFormat;
    if (dataFormat !== undefined) checkOneOf(this.label, 'dataFormat', dataFormat, ['channelsLast']);
  }

  computeOutputShape(inputShapes: SymbolicShape[]): SymbolicShape {
    this.checkInputCount(inputShapes, 1);
    const [shape] = inputShapes;
    if (shape.length < 2 || shape.slice(1).some((d) => d === null)) {
      throw this.shapeError('must have rank >= 2 with every dimension but the batch known', shape);
    }
    return [shape[0], shape.slice(1).reduce((p: number, d) => p * (d as number), 1)];
  }

  forward([x]: Tensor[], _ctx: CallContext): ForwardResult {
    return { output: x.reshape([x.shape[0], -1]), cache: x.shape };
  }

  backward(dy: Tensor, cache: unknown, options: BackwardOptions): BackwardResult {
    return { dInputs: [options.inputGrads ? dy.reshape(cache as number[]) : null], grads: [] };
  }
}
