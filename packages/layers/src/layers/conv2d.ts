import { conv2dOutputShape, InvalidArgumentError, ops, WINDOW_LIMITS, type Conv2DOptions, type Padding, type Tensor } from '@batchwise/core';
import { Layer, type BackwardOptions, type BackwardResult, type CallContext, type ForwardResult, type LayerArgs, type LayerVariable } from '../engine/layer.js';
import { checkBoolean, checkIntPair, checkOneOf, checkPositiveInt, windowLimitReason } from '../engine/layer-args.js';
import type { SymbolicShape } from '../engine/symbolic-tensor.js';
import { getInitializer, type Initializer, type InitializerSpec } from '../initializers.js';
import { activate, activateBackward, checkActivation, type ActivationName } from './activations.js';

export interface Conv2DArgs extends LayerArgs {
  filters: number;
  /** A number for a square window or [height, width]. */
  kernelSize: number | [number, number];
  /** Default 1. */
  strides?: number | [number, number];
  /** Default 'valid'; 'same' pads as TensorFlow (extra row/column at the bottom/right). */
  padding?: Padding;
  /** Only 'channelsLast' (NHWC). */
  dataFormat?: 'channelsLast';
  /** Default 1. */
  dilationRate?: number | [number, number];
  activation?: ActivationName;
  useBias?: boolean;
  kernelInitializer?: InitializerSpec;
  biasInitializer?: InitializerSpec;
}

export const CONV2D_DEFAULTS = {
  strides: 1, padding: 'valid', dilationRate: 1, activation: 'linear', useBias: true,
  kernelInitializer: 'glorotUniform', biasInitializer: 'zeros',
} as const;

interface Conv2DCache {
  x: Tensor;
  z: Tensor;
  y: Tensor;
}

/** 2-D convolution on NHWC input with an HWIO kernel [kh, kw, in, filters], as tfjs and Keras. */
export class Conv2D extends Layer {
  readonly className = 'Conv2D';
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: Padding;
  readonly dilationRate: [number, number];
  readonly activation: ActivationName;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  kernel!: LayerVariable;
  bias: LayerVariable | null = null;

  constructor(args: Conv2DArgs) {
    super('Conv2D', args, ['filters', 'kernelSize', 'strides', 'padding', 'dataFormat', 'dilationRate', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer']);
    const at = this.label;
    this.filters = checkPositiveInt(at, 'filters', args.filters);
    this.kernelSize = checkIntPair(at, 'kernelSize', args.kernelSize);
    // Checked before any input is seen: the kernel [kh, kw, in, filters] has kh * kw * filters elements per input channel.
    const perChannel = this.kernelSize[0] * this.kernelSize[1] * this.filters;
    if (perChannel > WINDOW_LIMITS.maxValue) {
      throw new InvalidArgumentError(
        `${at}: kernelSize[0] * kernelSize[1] * filters (the kernel's elements per input channel) must be at most ${WINDOW_LIMITS.maxValue}, received ${perChannel}.`,
      );
    }
    this.strides = checkIntPair(at, 'strides', args.strides ?? CONV2D_DEFAULTS.strides);
    this.padding = checkOneOf(at, 'padding', args.padding ?? CONV2D_DEFAULTS.padding, ['valid', 'same']);
    if (args.dataFormat !== undefined) checkOneOf(at, 'dataFormat', args.dataFormat, ['channelsLast']);
    this.dilationRate = checkIntPair(at, 'dilationRate', args.dilationRate ?? CONV2D_DEFAULTS.dilationRate);
    this.activation = checkActivation(at, args.activation ?? CONV2D_DEFAULTS.activation);
    this.useBias = checkBoolean(at, 'useBias', args.useBias ?? CONV2D_DEFAULTS.useBias);
    this.kernelInitializer = getInitializer(args.kernelInitializer ?? CONV2D_DEFAULTS.kernelInitializer, at, 'kernelInitializer');
    this.biasInitializer = getInitializer(args.biasInitializer ?? CONV2D_DEFAULTS.biasInitializer, at, 'biasInitializer');
  }

  private get convOptions(): Conv2DOptions {
    return { strides: this.strides, padding: this.padding, dilations: this.dilationRate };
  }

  computeOutputShape(inputShapes: SymbolicShape[]): SymbolicShape {
    this.checkInputCount(inputShapes, 1);
    const [shape] = inputShapes;
    if (shape.length !== 4 || shape.slice(1).some((d) => d === null)) {
      throw this.shapeError('must be NHWC [batch, height, width, channels] with known height, width and channels', shape);
    }
    const inChannels = shape[3] as number;
    if (this.built && inChannels !== this.kernel.shape[2]) throw this.shapeError(`channels must be ${this.kernel.shape[2]}`, shape);
    const filterShape = [...this.kernelSize, inChannels, this.filters];
    try {
      const out = conv2dOutputShape([1, shape[1] as number, shape[2] as number, inChannels], filterShape, this.convOptions);
      return [shape[0], out[1], out[2], out[3]];
    } catch (e) {
      const reason = windowLimitReason(e, 'conv2d');
      throw this.shapeError(`height and width must fit kernelSize [${this.kernelSize}] with dilationRate [${this.dilationRate}] and padding '${this.padding}'${reason}`, shape);
    }
  }

  protected override build([shape]: SymbolicShape[]): void {
    const filterShape = [...this.kernelSize, shape[3] as number, this.filters];
    this.kernel = this.addWeight('kernel', this.kernelInitializer, filterShape, true);
    if (this.useBias) this.bias = this.addWeight('bias', this.biasInitializer, [this.filters], true);
  }

  forward([x]: Tensor[], _ctx: CallContext): ForwardResult {
    let z = ops.conv2d(x, this.kernel.value, this.convOptions);
    if (this.bias) z = ops.biasAdd(z, this.bias.value);
    const y = activate(this.activation, z);
    const cache: Conv2DCache = { x, z, y };
    return { output: y, cache };
  }

  logits(cache: unknown): Tensor {
    return (cache as Conv2DCache).z;
  }

  backward(dy: Tensor, cache: unknown, options: BackwardOptions): BackwardResult {
    const c = cache as Conv2DCache;
    const dz = options.preActivation ? dy : activateBackward(this.activation, dy, c.y);
    const grads: [LayerVariable, Tensor][] = [];
    if (options.weightGrads) {
      grads.push([this.kernel, ops.conv2dBackpropFilter(c.x, dz, this.kernel.shape, this.convOptions)]);
      if (this.bias) grads.push([this.bias, ops.biasGrad(dz)]);
    }
    const dx = options.inputGrads ? ops.conv2dBackpropInput(dz, this.kernel.value, c.x.shape, this.convOptions) : null;
    return { dInputs: [dx], grads };
  }

  override getConfig(): Record<string, unknown> {
    return {
      filters: this.filters,
      kernelInitializer: this.kernelInitializer,
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      dataFormat: 'channels_last',
      dilationRate: this.dilationRate,
      activation: this.activation,
      useBias: this.useBias,
      biasInitializer: this.biasInitializer,
      ...super.getConfig(),
    };
  }
}
