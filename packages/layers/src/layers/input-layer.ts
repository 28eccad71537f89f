import { InvalidArgumentError, type Tensor } from '@batchwise/core';
import { Layer, type BackwardResult, type ForwardResult } from '../engine/layer.js';
import { checkShapeOption, layerLabel } from '../engine/layer-args.js';
import { nextUid } from '../engine/naming.js';
import { SymbolicTensor, type SymbolicShape } from '../engine/symbolic-tensor.js';

export interface InputArgs {
  /** Shape without the batch dimension. */
  shape?: number[];
  /** Shape with the batch dimension first (null: any). */
  batchShape?: (number | null)[];
  name?: string;
  dtype?: 'float32';
}

/** The source of a model graph: holds the input shape, computes nothing. */
export class InputLayer extends Layer {
  readonly className = 'InputLayer';
  readonly inputShape: SymbolicShape;
  readonly output: SymbolicTensor;

  constructor(args: { batchInputShape: (number | null)[]; name?: string }) {
    super('InputLayer', { name: args.name ?? `input${nextUid('input')}` });
    this.inputShape = args.batchInputShape;
    this.built = true;
    this.output = new SymbolicTensor(this.inputShape, this, [], 0);
  }

  computeOutputShape(): SymbolicShape {
    return this.inputShape;
  }

  forward([x]: Tensor[]): ForwardResult {
    return { output: x };
  }

  backward(): BackwardResult {
    return { dInputs: [], grads: [] };
  }

  override getConfig(): Record<string, unknown> {
    return { batchInputShape: this.inputShape, dtype: 'float32', sparse: false, name: this.name };
  }
}

/** `input({ shape: [28, 28, 1] })`: the symbolic input of a functional model (tfjs `tf.input`). */
export function input(args: InputArgs): SymbolicTensor {
  const where = layerLabel('InputLayer', args?.name ?? 'input');
  if (args?.dtype !== undefined && args.dtype !== 'float32') {
    throw new InvalidArgumentError(`${where}: dtype must be 'float32', received ${String(args.dtype)}.`);
  }
  let batchShape: (number | null)[];
  if (args?.batchShape !== undefined) batchShape = checkShapeOption(where, 'batchShape', args.batchShape, true);
  else if (args?.shape !== undefined) batchShape = [null, ...checkShapeOption(where, 'shape', args.shape, false)];
  else throw new InvalidArgumentError(`${where}: shape or batchShape must be given, received neither.`);
  return new InputLayer({ batchInputShape: batchShape, name: args.name }).output;
}
