import type { Tensor } from '@batchwise/core';
import { Layer, type BackwardOptions, type BackwardResult, type CallContext, type ForwardResult, type LayerArgs } from '../engine/layer.js';
import type { SymbolicShape } from '../engine/symbolic-tensor.js';
import { activate, activateBackward, checkActivation, type ActivationName } from './activations.js';

export interface ActivationArgs extends LayerArgs {
  activation: ActivationName;
}

interface ActivationCache {
  x: Tensor;
  y: Tensor;
}

/** Applies an activation function on its own (e.g. after BatchNormalization, as the article places it). */
export class Activation extends Layer {
  readonly className = 'Activation';
  readonly activation: ActivationName;

  constructor(args: ActivationArgs) {
    super('Activation', args, ['activation']);
    this.activation = checkActivation(this.label, args.activation);
  }

  computeOutputShape(inputShapes: SymbolicShape[]): SymbolicShape {
    this.checkInputCount(inputShapes, 1);
    return inputShapes[0];
  }

  forward([x]: Tensor[], _ctx: CallContext): ForwardResult {
    const y = activate(this.activation, x);
    const cache: ActivationCache = { x, y };
    return { output: y, cache };
  }

  logits(cache: unknown): Tensor {
    return (cache as ActivationCache).x;
  }

  backward(dy: Tensor, cache: unknown, options: BackwardOptions): BackwardResult {
    if (!options.inputGrads) return { dInputs: [null], grads: [] };
    const c = cache as ActivationCache;
    return { dInputs: [options.preActivation ? dy : activateBackward(this.activation, dy, c.y)], grads: [] };
  }

  override getConfig(): Record<string, unknown> {
    return { activation: this.activation, ...super.getConfig() };
  }
}
