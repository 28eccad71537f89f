import { ops, Tensor, zeros } from '@batchwise/core';
import { ADAM_DEFAULTS, type LayerVariable, type Optimizer } from '@batchwise/layers';
import type { OptimizerName } from '../presets/spec.js';

/*
 * Optimizers whose state can be saved and restored, for checkpoints: the
 * @batchwise/layers optimizers keep their moments private (tfjs exposes them
 * through getWeights/setWeights; see the CLI README "Needs from other
 * packages"). They implement the layers `Optimizer` interface and run the
 * same backend kernels (ops.sgdUpdate / ops.adamUpdate), so training is
 * numerically the one `train.sgd` / `train.adam` would do.
 * State is keyed by the weight's full name (`dense_1/kernel`), which a
 * saved and reloaded model keeps.
 */

export interface OptimizerState {
  name: OptimizerName;
  learningRate: number;
  /** Adam's 1-based step counter (0 for SGD). */
  step: number;
  /** Per weight full name: its slots (Adam 'm', 'v'; momentum 'velocity'). */
  slots: Record<string, Record<string, Tensor>>;
}

export const MOMENTUM = 0.9;

export class CheckpointableOptimizer implements Optimizer {
  readonly className: string;
  private step = 0;
  private readonly slots = new Map<string, Record<string, Tensor>>();

  constructor(
    readonly kind: OptimizerName,
    /** Mutable so a schedule can lower it between epochs (see run-training.ts). */
    public learningRate: number,
  ) {
    this.className = kind === 'adam' ? 'Adam' : 'SGD';
  }

  applyGradients(pairs: Iterable<[LayerVariable, Tensor]>): void {
    this.step++;
    for (const [w, g] of pairs) {
      const slot = this.slotFor(w);
      if (this.kind === 'adam') {
        ops.adamUpdate(w.value, g, slot.m, slot.v, { ...ADAM_DEFAULTS, learningRate: this.learningRate, step: this.step });
      } else if (this.kind === 'momentum') {
        ops.sgdUpdate(w.value, g, slot.velocity, { learningRate: this.learningRate, momentum: MOMENTUM, nesterov: false });
      } else {
        ops.sgdUpdate(w.value, g, null, { learningRate: this.learningRate, momentum: 0, nesterov: false });
      }
    }
  }

  private slotFor(w: LayerVariable): Record<string, Tensor> {
    let slot = this.slots.get(w.fullName);
    if (!slot) {
      slot = this.kind === 'adam' ? { m: zeros(w.shape), v: zeros(w.shape) } : this.kind === 'momentum' ? { velocity: zeros(w.shape) } : {};
      this.slots.set(w.fullName, slot);
    }
    return slot;
  }

  getConfig(): Record<string, unknown> {
    return this.kind === 'adam'
      ? { ...ADAM_DEFAULTS, learningRate: this.learningRate }
      : { learningRate: this.learningRate, momentum: this.kind === 'momentum' ? MOMENTUM : 0, nesterov: false };
  }

  /** A deep copy of the state. */
  getState(): OptimizerState {
    const slots: OptimizerState['slots'] = {};
    for (const [name, s] of this.slots) slots[name] = Object.fromEntries(Object.entries(s).map(([k, t]) => [k, t.clone()]));
    return { name: this.kind, learningRate: this.learningRate, step: this.step, slots };
  }

  setState(state: OptimizerState): void {
    this.step = state.step;
    this.slots.clear();
    for (const [name, s] of Object.entries(state.slots)) {
      this.slots.set(name, Object.fromEntries(Object.entries(s).map(([k, t]) => [k, t.clone()])));
    }
  }
}
