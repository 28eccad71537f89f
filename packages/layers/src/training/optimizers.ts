import { InvalidArgumentError, Tensor, assertBoolean, assertInRange, describeValue, formatShape, ops, zeros } from '@batchwise/core';
import type { LayerVariable } from '../engine/layer.js';
import { copyOf } from '../engine/tensor-utils.js';
import { readScalar } from '../engine/values.js';

/*
 * Optimizers update weights in place through ops.sgdUpdate / ops.adamUpdate,
 * so every backend runs its own kernel and the weight tensors held by layers
 * stay the same objects. Names and defaults follow tfjs `tf.train.*`.
 *
 * State (the step count and one or two slots per weight) is keyed by the
 * weight's full name (`dense_1/kernel`), as in tfjs, so it survives a save
 * and reload of the model: getWeights()/setWeights() carry it, and a
 * checkpoint stores it.
 */

/** A tensor with the name tfjs gives optimizer state: 'iter', '<weight>/m', '<weight>/v', '<weight>/momentum'. */
export interface NamedTensor {
  name: string;
  tensor: Tensor;
}

export interface Optimizer {
  readonly className: string;
  /** Settable between steps (learning-rate schedules do this). */
  learningRate: number;
  /** Optimizer steps taken (tfjs `iterations`). */
  readonly iterations: number;
  /** One update step for these (weight, gradient) pairs. */
  applyGradients(pairs: Iterable<[LayerVariable, Tensor]>): void;
  /** The state as named tensors: 'iter' first, then the slots (copies). */
  getWeights(): NamedTensor[];
  /** Restores state from getWeights() output (of this class); slots are copied. */
  setWeights(weights: NamedTensor[]): void;
  getConfig(): Record<string, unknown>;
}

/** State shared by both optimizers: the step counter and slots by weight name. */
abstract class SlotOptimizer implements Optimizer {
  abstract readonly className: string;
  protected abstract readonly slotNames: readonly string[];
  private steps = 0;
  private learningRateValue: number;
  private readonly slots = new Map<string, Map<string, Tensor>>();

  constructor(protected readonly fn: string, learningRate: number) {
    assertInRange(fn, 'learningRate', learningRate, 0, Number.MAX_VALUE);
    this.learningRateValue = learningRate;
  }

  get learningRate(): number {
    return this.learningRateValue;
  }

  set learningRate(value: number) {
    assertInRange(this.fn, 'learningRate', value, 0, Number.MAX_VALUE);
    this.learningRateValue = value;
  }

  get iterations(): number {
    return this.steps;
  }

  applyGradients(pairs: Iterable<[LayerVariable, Tensor]>): void {
    this.steps++;
    for (const [w, g] of pairs) this.update(w, g, this.slotsOf(w), this.steps);
  }

  protected abstract update(w: LayerVariable, g: Tensor, slots: Tensor[], step: number): void;

  /** The weight's slots in slotNames order, created as zeros on first use. */
  private slotsOf(w: LayerVariable): Tensor[] {
    let own = this.slots.get(w.fullName);
    if (!own) {
      own = new Map(this.slotNames.map((s) => [s, zeros(w.shape)]));
      this.slots.set(w.fullName, own);
    }
    return this.slotNames.map((s) => {
      const t = own.get(s)!;
      if (t.size !== w.value.size) {
        throw new InvalidArgumentError(`${this.fn}: state '${w.fullName}/${s}' has shape ${formatShape(t.shape)}, but the weight has ${formatShape(w.shape)}; setWeights() was given state of another model.`);
      }
      return t;
    });
  }

  getWeights(): NamedTensor[] {
    const out: NamedTensor[] = [{ name: 'iter', tensor: new Tensor(Float32Array.of(this.steps), []) }];
    for (const slot of this.slotNames) {
      for (const [weight, own] of this.slots) out.push({ name: `${weight}/${slot}`, tensor: copyOf(own.get(slot)!) });
    }
    return out;
  }

  setWeights(weights: NamedTensor[]): void {
    if (!Array.isArray(weights)) throw new InvalidArgumentError(`${this.fn} setWeights: weights must be a list of { name, tensor }, received ${describeValue(weights)}.`);
    let steps = 0;
    const slots = new Map<string, Map<string, Tensor>>();
    for (const entry of weights) {
      if (entry === null || typeof entry !== 'object' || typeof entry.name !== 'string' || !(entry.tensor instanceof Tensor)) {
        throw new InvalidArgumentError(`${this.fn} setWeights: every entry must be { name: string, tensor: Tensor }, received ${describeValue(entry)}.`);
      }
      if (entry.name === 'iter') {
        steps = entry.tensor.size === 1 ? readScalar(entry.tensor) : Number.NaN;
        if (entry.tensor.size !== 1 || !Number.isInteger(steps) || steps < 0) {
          throw new InvalidArgumentError(`${this.fn} setWeights: 'iter' must be one non-negative integer, received ${entry.tensor.size === 1 ? steps : formatShape(entry.tensor.shape)}.`);
        }
        continue;
      }
      const cut = entry.name.lastIndexOf('/');
      const slot = entry.name.slice(cut + 1);
      if (cut <= 0 || !this.slotNames.includes(slot)) {
        throw new InvalidArgumentError(`${this.fn} setWeights: names must be 'iter' or '<weight>/${this.slotNames.join("' | '<weight>/")}', received '${entry.name}'.`);
      }
      const weight = entry.name.slice(0, cut);
      if (!slots.has(weight)) slots.set(weight, new Map());
      slots.get(weight)!.set(slot, copyOf(entry.tensor));
    }
    for (const [weight, own] of slots) {
      const missing = this.slotNames.filter((s) => !own.has(s));
      if (missing.length > 0) throw new InvalidArgumentError(`${this.fn} setWeights: '${weight}' must have every slot (${this.slotNames.join(', ')}), missing ${missing.join(', ')}.`);
    }
    this.steps = steps;
    this.slots.clear();
    for (const [weight, own] of slots) this.slots.set(weight, own);
  }

  abstract getConfig(): Record<string, unknown>;
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
export class SGD extends SlotOptimizer {
  readonly className = 'SGD';
  readonly momentum: number;
  readonly nesterov: boolean;
  protected readonly slotNames: readonly string[];

  constructor(args: SgdArgs = {}) {
    super('train.sgd', args.learningRate ?? SGD_DEFAULTS.learningRate);
    this.momentum = args.momentum ?? SGD_DEFAULTS.momentum;
    this.nesterov = args.nesterov ?? SGD_DEFAULTS.nesterov;
    assertInRange('train.sgd', 'momentum', this.momentum, 0, 1);
    assertBoolean('train.sgd', 'nesterov', this.nesterov);
    this.slotNames = this.momentum > 0 ? ['momentum'] : [];
  }

  protected update(w: LayerVariable, g: Tensor, slots: Tensor[]): void {
    ops.sgdUpdate(w.value, g, slots[0] ?? null, { learningRate: this.learningRate, momentum: this.momentum, nesterov: this.nesterov });
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
export class Adam extends SlotOptimizer {
  readonly className = 'Adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  protected readonly slotNames = ['m', 'v'] as const;

  constructor(args: AdamArgs = {}) {
    super('train.adam', args.learningRate ?? ADAM_DEFAULTS.learningRate);
    this.beta1 = args.beta1 ?? ADAM_DEFAULTS.beta1;
    this.beta2 = args.beta2 ?? ADAM_DEFAULTS.beta2;
    this.epsilon = args.epsilon ?? ADAM_DEFAULTS.epsilon;
    assertInRange('train.adam', 'beta1', this.beta1, 0, 1, { highOpen: true });
    assertInRange('train.adam', 'beta2', this.beta2, 0, 1, { highOpen: true });
    assertInRange('train.adam', 'epsilon', this.epsilon, 0, Number.MAX_VALUE, { lowOpen: true });
  }

  protected update(w: LayerVariable, g: Tensor, [m, v]: Tensor[], step: number): void {
    ops.adamUpdate(w.value, g, m, v, { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, step });
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

/** Rebuilds an optimizer from its className and getConfig() (checkpoints store both). */
export function optimizerFromConfig(fn: string, className: unknown, config: Record<string, unknown>): Optimizer {
  if (className === 'SGD') return new SGD(config as SgdArgs);
  if (className === 'Adam') return new Adam(config as AdamArgs);
  throw new InvalidArgumentError(`${fn}: optimizer className must be 'SGD' or 'Adam', received ${describeValue(className)}.`);
}
