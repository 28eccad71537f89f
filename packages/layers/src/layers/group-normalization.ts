import { InvalidArgumentError, fill, ops, type Tensor } from '@batchwise/core';
import { Layer, type BackwardOptions, type BackwardResult, type CallContext, type ForwardResult, type LayerArgs, type LayerVariable } from '../engine/layer.js';
import { checkBoolean, checkPositiveInt, checkRange } from '../engine/layer-args.js';
import type { SymbolicShape } from '../engine/symbolic-tensor.js';
import { getInitializer, type Initializer, type InitializerSpec } from '../initializers.js';
import { channelParams } from './batch-norm-math.js';

export interface GroupNormalizationArgs extends LayerArgs {
  /** Channel groups; must divide the channels (last axis). Default 32 (Keras). */
  groups?: number;
  /** Only the last axis (-1). */
  axis?: number;
  /** Added to the variance. Default 1e-3 (Keras). */
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
  betaInitializer?: InitializerSpec;
  gammaInitializer?: InitializerSpec;
}

export const GROUP_NORMALIZATION_DEFAULTS = { groups: 32, axis: -1, epsilon: 1e-3, center: true, scale: true, betaInitializer: 'zeros', gammaInitializer: 'ones' } as const;

interface Cache {
  /** The input regrouped as [positions * channelsPerGroup, samples * groups]. */
  xg: Tensor;
  mean: Tensor;
  invStd: Tensor;
  xhat: Tensor;
  gamma: Tensor;
  shape: readonly number[];
}

/**
 * Group normalization (Wu & He 2018), the batch-independent alternative to
 * batch norm: each sample's channels are split into `groups` groups, and each
 * (sample, group) is normalized by its own mean and biased variance over its
 * positions and channels; then per-channel gamma and beta as in batch norm.
 * Training and inference compute the same thing, whatever the batch size.
 * Keras 3's GroupNormalization (channels last). It is written with the batch
 * norm kernels: regrouped so that each (sample, group) is one "feature" of
 * batchNormTraining, whose backward then gives the exact gradient.
 */
export class GroupNormalization extends Layer {
  readonly className = 'GroupNormalization';
  readonly groups: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly initializers: Record<'beta' | 'gamma', Initializer>;
  gamma: LayerVariable | null = null;
  beta: LayerVariable | null = null;
  private channels = 0;

  constructor(args: GroupNormalizationArgs = {}) {
    super('GroupNormalization', args, ['groups', 'axis', 'epsilon', 'center', 'scale', 'betaInitializer', 'gammaInitializer']);
    const at = this.label;
    const d = GROUP_NORMALIZATION_DEFAULTS;
    if (args.axis !== undefined && args.axis !== -1) throw new InvalidArgumentError(`${at}: axis must be -1 (channels last), received ${String(args.axis)}.`);
    this.groups = checkPositiveInt(at, 'groups', args.groups ?? d.groups);
    this.epsilon = checkRange(at, 'epsilon', args.epsilon ?? d.epsilon, 0, Number.MAX_VALUE, { lowOpen: true });
    this.center = checkBoolean(at, 'center', args.center ?? d.center);
    this.scale = checkBoolean(at, 'scale', args.scale ?? d.scale);
    this.initializers = {
      beta: getInitializer(args.betaInitializer ?? d.betaInitializer, at, 'betaInitializer'),
      gamma: getInitializer(args.gammaInitializer ?? d.gammaInitializer, at, 'gammaInitializer'),
    };
  }

  computeOutputShape(inputShapes: SymbolicShape[]): SymbolicShape {
    this.checkInputCount(inputShapes, 1);
    const [shape] = inputShapes;
    const c = shape[shape.length - 1];
    if (shape.length < 2 || c === null) throw this.shapeError('must have rank >= 2 with a known last (channel) dimension', shape);
    if (c % this.groups !== 0) throw this.shapeError(`channels (last dimension) must be a multiple of groups (${this.groups})`, shape);
    if (this.built && c !== this.channels) throw this.shapeError(`last dimension must be ${this.channels}`, shape);
    return shape;
  }

  protected override build([shape]: SymbolicShape[]): void {
    this.channels = shape[shape.length - 1] as number;
    if (this.scale) this.gamma = this.addWeight('gamma', this.initializers.gamma, [this.channels], true);
    if (this.center) this.beta = this.addWeight('beta', this.initializers.beta, [this.channels], true);
  }

  /** [N, P, G, Cg] <-> [P, Cg, N, G]: each (sample, group) becomes a column that batch norm normalizes over its rows. */
  private regroup(x: Tensor): Tensor {
    const [n, p, g, cg] = this.dims(x.shape);
    return ops.transpose(x.reshape([n, p, g, cg]), [1, 3, 0, 2]).reshape([p * cg, n * g]);
  }

  private ungroup(t: Tensor, shape: readonly number[]): Tensor {
    const [n, p, g, cg] = this.dims(shape);
    return ops.transpose(t.reshape([p, cg, n, g]), [2, 0, 3, 1]).reshape(shape);
  }

  private dims(shape: readonly number[]): [number, number, number, number] {
    const n = shape[0];
    return [n, shape.slice(1, -1).reduce((a, b) => a * b, 1), this.groups, this.channels / this.groups];
  }

  forward([x]: Tensor[], _ctx: CallContext): ForwardResult {
    const { gamma, beta } = channelParams(this.gamma, this.beta, this.channels);
    const xg = this.regroup(x);
    const columns = xg.shape[1];
    const r = ops.batchNormTraining(xg, fill([columns], 1), fill([columns], 0), { epsilon: this.epsilon });
    const xhat = this.ungroup(r.y, x.shape);
    const y = ops.broadcastBinary(ops.broadcastBinary(xhat, gamma, { op: 'mul', axis: -1 }), beta, { op: 'add', axis: -1 });
    const cache: Cache = { xg, mean: r.mean, invStd: r.invStd, xhat, gamma, shape: x.shape };
    return { output: y, cache };
  }

  backward(dy: Tensor, cache: unknown, options: BackwardOptions): BackwardResult {
    const c = cache as Cache;
    const grads: [LayerVariable, Tensor][] = [];
    if (options.weightGrads) {
      if (this.gamma) grads.push([this.gamma, ops.biasGrad(ops.mul(dy, c.xhat))]);
      if (this.beta) grads.push([this.beta, ops.biasGrad(dy)]);
    }
    if (!options.inputGrads) return { dInputs: [null], grads };
    // y = gamma * xhat + beta per channel, xhat the grouped batch norm of x with gamma 1.
    const dxhat = this.regroup(ops.broadcastBinary(dy, c.gamma, { op: 'mul', axis: -1 }));
    const ones = fill([c.mean.size], 1);
    const dx = ops.batchNormBackward(dxhat, { x: c.xg, gamma: ones, mean: c.mean, invStd: c.invStd }).dx;
    return { dInputs: [this.ungroup(dx, c.shape)], grads };
  }

  override getConfig(): Record<string, unknown> {
    return {
      groups: this.groups,
      axis: -1,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      betaInitializer: this.initializers.beta,
      gammaInitializer: this.initializers.gamma,
      ...super.getConfig(),
    };
  }
}
