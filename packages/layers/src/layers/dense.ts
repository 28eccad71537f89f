import { ops, type Tensor } from '@batchwise/core';
import { Layer, type BackwardOptions, type BackwardResult, type CallContext, type ForwardResult, type LayerArgs, type LayerVariable } from '../engine/layer.js';
import { checkBoolean, checkPositiveInt } from '../engine/layer-args.js';
import type { SymbolicShape } from '../engine/symbolic-tensor.js';
import { getInitializer, type Initializer, type InitializerSpec } from '../initializers.js';
import { activate, activateBackward, checkActivation, type ActivationName } from './activations.js';

export interface DenseArgs extends LayerArgs {
  units: number;
  /** Default 'linear'. */
  activation?: ActivationName;
  /** Default true. */
  useBias?: boolean;
  /** Default 'glorotUniform' (Keras; tfjs-layers defaults to glorotNormal). */
  kernelInitializer?: InitializerSpec;
  /** Default 'zeros'. */
  biasInitializer?: InitializerSpec;
}

export const DENSE_DEFAULTS = { activation: 'linear', useBias: true, kernelInitializer: 'glorotUniform', biasInitializer: 'zeros' } as const;

interface DenseCache {
  x2: Tensor;
  /** Pre-activation, [rows, units]. */
  z: Tensor;
  /** Output, [rows, units]. */
  y: Tensor;
  inputShape: readonly number[];
}

/**
 * y = activation(x · kernel + bias) on the last axis. Any rank works: the
 * leading axes are flattened into rows, as Keras does for `Dense(16,
 * input_shape=(1, 5))`.
 */
export class Dense extends Layer {
  readonly className = 'Dense';
  readonly units: number;
  readonly activation: ActivationName;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  kernel!: LayerVariable;
  bias: LayerVariable | null = null;

  constructor(args: DenseArgs) {
    super('Dense', args, ['units', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer']);
    this.units = checkPositiveInt(this.label, 'units', args.units);
    this.activation = checkActivation(this.label, args.activation ?? DENSE_DEFAULTS.activation);
    this.useBias = checkBoolean(this.label, 'useBias', args.useBias ?? DENSE_DEFAULTS.useBias);
    this.kernelInitializer = getInitializer(args.kernelInitializer ?? DENSE_DEFAULTS.kernelInitializer, this.label, 'kernelInitializer');
    this.biasInitializer = getInitializer(args.biasInitializer ?? DENSE_DEFAULTS.biasInitializer, this.label, 'biasInitializer');
  }

  computeOutputShape(inputShapes: SymbolicShape[]): SymbolicShape {
    this.checkInputCount(inputShapes, 1);
    const [shape] = inputShapes;
    if (shape.length < 2) throw this.shapeError('must have rank >= 2 (batch, ..., features)', shape);
    const last = shape[shape.length - 1];
    if (last === null) throw this.shapeError('last dimension must be known', shape);
    if (this.built && last !== this.kernel.shape[0]) throw this.shapeError(`last dimension must be ${this.kernel.shape[0]}`, shape);
    return [...shape.slice(0, -1), this.units];
  }

  protected override build([shape]: SymbolicShape[]): void {
    const inDim = shape[shape.length - 1] as number;
    this.kernel = this.addWeight('kernel', this.kernelInitializer, [inDim, this.units], true);
    if (this.useBias) this.bias = this.addWeight('bias', this.biasInitializer, [this.units], true);
  }

  forward([x]: Tensor[], _ctx: CallContext): ForwardResult {
    // Rank 2 (the usual case) is already the matrix the product takes and gives.
    const x2 = x.rank === 2 ? x : x.reshape([-1, this.kernel.shape[0]]);
    let z = ops.matMul(x2, this.kernel.value);
    if (this.bias) z = ops.biasAdd(z, this.bias.value);
    const y = activate(this.activation, z);
    const cache: DenseCache = { x2, z, y, inputShape: x.shape };
    return { output: x.rank === 2 ? y : y.reshape([...x.shape.slice(0, -1), this.units]), cache };
  }

  /** The pre-activation output (for the fused softmax cross-entropy). */
  logits(cache: unknown, outputShape: readonly number[]): Tensor {
    return (cache as DenseCache).z.reshape(outputShape);
  }

  backward(dy: Tensor, cache: unknown, options: BackwardOptions): BackwardResult {
    const c = cache as DenseCache;
    const dy2 = dy.reshape([-1, this.units]);
    const dz = options.preActivation ? dy2 : activateBackward(this.activation, dy2, c.y);
    const grads: [LayerVariable, Tensor][] = [];
    if (options.weightGrads) {
      grads.push([this.kernel, ops.matMul(c.x2, dz, { transposeA: true })]);
      if (this.bias) grads.push([this.bias, ops.biasGrad(dz)]);
    }
    const dx = options.inputGrads ? ops.matMul(dz, this.kernel.value, { transposeB: true }).reshape(c.inputShape) : null;
    return { dInputs: [dx], grads };
  }

  override getConfig(): Record<string, unknown> {
    return {
      units: this.units,
      activation: this.activation,
      useBias: this.useBias,
      kernelInitializer: this.kernelInitializer,
      biasInitializer: this.biasInitializer,
      ...super.getConfig(),
    };
  }
}
