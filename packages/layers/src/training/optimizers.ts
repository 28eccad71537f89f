import { InvalidArgumentError, assertBoolean, assertInRange, describeValue, ops, zeros, type Tensor } from '@batchwise/core';
import type { LayerVariable } from '../engine/layer.js';

/*
 * Optimizers update weights in place through ops.sgdUpdate / ops.adamUpdate,
 * so every backend runs its own kernel and the weight tensors held by layers
 * stay the same objects. Names and defaults follow tfjs `tf.train.*`.
 */

export interface Optimizer {
  readonly className: string;
  /** One update step for these (weight, gradient) pairs. */
  applyGradients(pairs: Iterable<[LayerVariable, Tensor]>): void;
  getConfig(): Record<string, unknown>;
}

export interface SgdArgs {
  /** Default 0.01 (Keras and tfjs 'sgd'). */
  learningRate?: number;
  /** Default 0 (plain SGD). */
  momentum?: number;
  /** Default false. */
  nesterov?: boolean;
}

export const SGD_DEFAULTS = { learningRate: 0.01, momentum: 0, nesterov: false } as const;

/** Keras SGD: v = momentum*v - lr*g; w += v (Nesterov: w += momentum*v - lr*g). */
export class SGD implements Optimizer {
  readonly className = 'SGD';
  readonly learningRate: number;
  readonly momentum: number;
  readonly nesterov: boolean;
  private readonly velocity = new Map<LayerVariable, Tensor>();

  constructor(args: SgdArgs = {}) {
    this.learningRate = args.learningRate ?? SGD_DEFAULTS.learningRate;
    this.momentum = args.momentum ?? SGD_DEFAULTS.momentum;
    this.nesterov = args.nesterov ?? SGD_DEFAULTS.nesterov;
    assertInRange('train.sgd', 'learningRate', this.learningRate, 0, Number.MAX_VALUE);
    assertInRange('train.sgd', 'momentum', this.momentum, 0, 1);
    assertBoolean('train.sgd', 'nesterov', this.nesterov);
  }

  applyGradients(pairs: Iterable<[LayerVariable, Tensor]>): void {
    for (const [w, g] of pairs) {
      let v: Tensor | null = null;
      if (this.momentum > 0) {
        v = this.velocity.get(w) ?? zeros(w.shape);
        this.velocity.set(w, v);
      }
      ops.sgdUpdate(w.value, g, v, { learningRate: this.learningRate, momentum: this.momentum, nesterov: this.nesterov });
    }
  }

  getConfig(): Record<string, unknown> {
    return { learningRate: this.learningRate, momentum: this.momentum, nesterov: this.nesterov };
  }
}

export interface AdamArgs {
  /** Default 0.001. */
  learningRate?: number;
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Default 1e-7 (tfjs backend epsilon; Keras 3 uses the same). */
  epsilon?: number;
}

export const ADAM_DEFAULTS = { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } as const;

/** Adam (Kingma & Ba 2015), Keras form: w -= lr*sqrt(1-b2^t)/(1-b1^t) * m / (sqrt(v) + eps). */
export class Adam implements Optimizer {
  readonly className = 'Adam';
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  private step = 0;
  private readonly moments = new Map<LayerVariable, { m: Tensor; v: Tensor }>();

  constructor(args: AdamArgs = {}) {
    this.learningRate = args.learningRate ?? ADAM_DEFAULTS.learningRate;
    this.beta1 = args.beta1 ?? ADAM_DEFAULTS.beta1;
    this.beta2 = args.beta2 ?? ADAM_DEFAULTS.beta2;
    this.epsilon = args.epsilon ?? ADAM_DEFAULTS.epsilon;
    assertInRange('train.adam', 'learningRate', this.learningRate, 0, Number.MAX_VALUE);
    assertInRange('train.adam', 'beta1', this.beta1, 0, 1, { highOpen: true });
    assertInRange('train.adam', 'beta2', this.beta2, 0, 1, { highOpen: true });
    assertInRange('train.adam', 'epsilon', this.epsilon, 0, Number.MAX_VALUE, { lowOpen: true });
  }

  applyGradients(pairs: Iterable<[LayerVariable, Tensor]>): void {
    this.step++;
    for (const [w, g] of pairs) {
      let state = this.moments.get(w);
      if (!state) {
        state = { m: zeros(w.shape), v: zeros(w.shape) };
        this.moments.set(w, state);
      }
      ops.adamUpdate(w.value, g, state.m, state.v, {
        learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, step: this.step,
      });
    }
  }

  getConfig(): Record<string, unknown> {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}

/** tfjs-style factories: `train.sgd(0.1)`, `train.momentum(0.1, 0.9)`, `train.adam(0.001)`. */
export const train = {
  sgd: (learningRate: number | SgdArgs = SGD_DEFAULTS.learningRate): Optimizer =>
    new SGD(typeof learningRate === 'number' ? { learningRate } : learningRate),
  momentum: (learningRate: number, momentum: number, useNesterov = false): Optimizer =>
    new SGD({ learningRate, momentum, nesterov: useNesterov }),
  adam: (learningRate: number = ADAM_DEFAULTS.learningRate, beta1: number = ADAM_DEFAULTS.beta1, beta2: number = ADAM_DEFAULTS.beta2, epsilon: number = ADAM_DEFAULTS.epsilon): Optimizer =>
    new Adam({ learningRate, beta1, beta2, epsilon }),
};

export const OPTIMIZER_NAMES = ['sgd', 'adam'] as const;

/** 'sgd' | 'adam' | an optimizer object. */
export function getOptimizer(fn: string, spec: unknown): Optimizer {
  if (spec === 'sgd') return new SGD();
  if (spec === 'adam') return new Adam();
  if (spec !== null && typeof spec === 'object' && typeof (spec as Optimizer).applyGradients === 'function') return spec as Optimizer;
  throw new InvalidArgumentError(`${fn}: optimizer must be one of 'sgd', 'adam' or an optimizer from train.*, received ${describeValue(spec)}.`);
}
