import { poolOutputShape, ops, type MaxPoolOptions, type Padding, type Tensor } from '@batchwise/core';
import { Layer, type BackwardOptions, type BackwardResult, type CallContext, type ForwardResult, type LayerArgs } from '../engine/layer.js';
import { checkIntPair, checkOneOf, windowLimitReason } from '../engine/layer-args.js';
import type { SymbolicShape } from '../engine/symbolic-tensor.js';

export interface MaxPooling2DArgs extends LayerArgs {
  /** Default [2, 2]. */
  poolSize?: number | [number, number];
  /** Default: poolSize. */
  strides?: number | [number, number];
  /** Default 'valid'. */
  padding?: Padding;
  dataFormat?: 'channelsLast';
}

export const MAX_POOLING2D_DEFAULTS = { poolSize: [2, 2], padding: 'valid' } as const;

interface PoolCache {
  argmax: Int32Array;
  inputShape: readonly number[];
}

/** Max pooling on NHWC input; forward caches the argmax so backward routes each gradient to its winner. */
export class MaxPooling2D extends Layer {
  readonly className = 'MaxPooling2D';
  readonly poolSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;

  constructor(args: MaxPooling2DArgs = {}) {
    super('MaxPooling2D', args, ['poolSize', 'strides', 'padding', 'dataFormat']);
    this.poolSize = checkIntPair(this.label, 'poolSize', args.poolSize ?? [...MAX_POOLING2D_DEFAULTS.poolSize]);
    this.strides = args.strides === undefined || args.strides === null ? this.poolSize : checkIntPair(this.label, 'strides', args.strides);
    this.padding = checkOneOf(this.label, 'padding', args.padding ?? MAX_POOLING2D_DEFAULTS.padding, ['valid', 'same']);
    if (args.dataFormat !== undefined) checkOneOf(this.label, 'dataFormat', args.dataFormat, ['channelsLast']);
  }

  private get poolOptions(): MaxPoolOptions {
    return { poolSize: this.poolSize, strides: this.strides, padding: this.padding };
  }

  computeOutputShape(inputShapes: SymbolicShape[]): SymbolicShape {
    this.checkInputCount(inputShapes, 1);
    const [shape] = inputShapes;
    if (shape.length !== 4 || shape.slice(1).some((d) => d === null)) {
      throw this.shapeError('must be NHWC [batch, height, width, channels] with known height, width and channels', shape);
    }
    try {
      const out = poolOutputShape([1, shape[1] as number, shape[2] as number, shape[3] as number], this.poolOptions);
      return [shape[0], out[1], out[2], out[3]];
    } catch (e) {
      const reason = windowLimitReason(e, 'maxPool');
      throw this.shapeError(`height and width must fit poolSize [${this.poolSize}] with padding '${this.padding}'${reason}`, shape);
    }
  }

  forward([x]: Tensor[], ctx: CallContext): ForwardResult {
    // No gradient follows an inference pass: the values alone, without argmax.
    if (!ctx.training) return { output: ops.maxPoolInference(x, this.poolOptions), cache: null };
    const r = ops.maxPool(x, this.poolOptions);
    const cache: PoolCache = { argmax: r.argmax, inputShape: x.shape };
    return { output: r.y, cache };
  }

  backward(dy: Tensor, cache: unknown, options: BackwardOptions): BackwardResult {
    if (!options.inputGrads) return { dInputs: [null], grads: [] };
    const c = cache as PoolCache | null;
    if (c === null) throw new Error(`${this.label}: backward needs the argmax of a training forward pass; this one ran in inference mode.`);
    return { dInputs: [ops.maxPoolBackward(dy, c.argmax, c.inputShape)], grads: [] };
  }

  override getConfig(): Record<string, unknown> {
    return { poolSize: this.poolSize, padding: this.padding, strides: this.strides, dataFormat: 'channels_last', ...super.getConfig() };
  }
}
