import { ops, type Tensor } from '@batchwise/core';
import { Layer, type BackwardOptions, type BackwardResult, type CallContext, type ForwardResult, type LayerArgs } from '../engine/layer.js';
import { formatSymbolicShape, type SymbolicShape } from '../engine/symbolic-tensor.js';
import { concatAxis, splitAxis } from '../engine/tensor-utils.js';
import { InvalidArgumentError, ShapeError } from '@batchwise/core';

function checkAtLeastTwo(layer: Layer, shapes: SymbolicShape[]): void {
  if (shapes.length < 2) {
    throw new InvalidArgumentError(`${layer.label}: inputs must be a list of at least 2 tensors, received ${shapes.length}.`);
  }
}

/** Elementwise sum of same-shape inputs; backward hands dy to every input. */
export class Add extends Layer {
  readonly className = 'Add';

  constructor(args: LayerArgs = {}) {
    super('Add', args);
  }

  computeOutputShape(inputShapes: SymbolicShape[]): SymbolicShape {
    checkAtLeastTwo(this, inputShapes);
    const first = inputShapes[0];
    for (const s of inputShapes) {
      const same = s.length === first.length && s.every((d, i) => i === 0 || d === first[i]);
      if (!same) {
        throw new ShapeError(`${this.label}: inputs must share one shape, received ${inputShapes.map(formatSymbolicShape).join(' and ')}.`);
      }
    }
    return first;
  }

  forward(inputs: Tensor[], _ctx: CallContext): ForwardResult {
    return { output: inputs.slice(1).reduce((sum, t) => ops.add(sum, t), inputs[0]), cache: inputs.length };
  }

  backward(dy: Tensor, cache: unknown, options: BackwardOptions): BackwardResult {
    return { dInputs: Array.from({ length: cache as number }, () => (options.inputGrads ? dy : null)), grads: [] };
  }
}

export interface ConcatenateArgs extends LayerArgs {
  /** Default -1. */
  axis?: number;
}

/** Joins inputs along `axis`; backward splits dy back into the input sizes. */
export class Concatenate extends Layer {
  readonly className = 'Concatenate';
  readonly axis: number;

  constructor(args: ConcatenateArgs = {}) {
    super('Concatenate', args, ['axis']);
    const axis = args.axis ?? -1;
    if (!Number.isInteger(axis)) throw new InvalidArgumentError(`${this.label}: axis must be an integer, received ${String(axis)}.`);
    this.axis = axis;
  }

  private resolve(rank: number): number {
    const axis = this.axis < 0 ? this.axis + rank : this.axis;
    if (axis < 1 || axis >= rank) {
      throw new InvalidArgumentError(`${this.label}: axis must be a non-batch axis of rank ${rank} inputs, received ${this.axis}.`);
    }
    return axis;
  }

  computeOutputShape(inputShapes: SymbolicShape[]): SymbolicShape {
    checkAtLeastTwo(this, inputShapes);
    const first = inputShapes[0];
    const axis = this.resolve(first.length);
    for (const s of inputShapes) {
      const fits = s.length === first.length && s.every((d, i) => i === 0 || i === axis || d === first[i]) && s[axis] !== null;
      if (!fits) {
        throw new ShapeError(`${this.label}: inputs must match on every axis but ${axis}, received ${inputShapes.map(formatSymbolicShape).join(' and ')}.`);
      }
    }
    const out = [...first];
    out[axis] = inputShapes.reduce((n, s) => n + (s[axis] as number), 0);
    return out;
  }

  forward(inputs: Tensor[], _ctx: CallContext): ForwardResult {
    const axis = this.resolve(inputs[0].rank);
    return { output: concatAxis(inputs, axis), cache: inputs.map((t) => t.shape[axis]) };
  }

  backward(dy: Tensor, cache: unknown, options: BackwardOptions): BackwardResult {
    if (!options.inputGrads) return { dInputs: (cache as number[]).map(() => null), grads: [] };
    return { dInputs: splitAxis(dy, cache as number[], this.resolve(dy.rank)), grads: [] };
  }

  override getConfig(): Record<string, unknown> {
    return { axis: this.axis, ...super.getConfig() };
  }
}
