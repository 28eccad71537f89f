import { ops, type Tensor } from '@batchwise/core';
import { checkOneOf } from '../engine/layer-args.js';

/** Activation names shared by Dense, Conv2D and Activation (tfjs-layers spelling). */
export const ACTIVATIONS = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax'] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

export function checkActivation(where: string, v: unknown): ActivationName {
  return checkOneOf(where, 'activation', v ?? 'linear', ACTIVATIONS);
}

/** Forward; softmax runs over the last axis. */
export function activate(name: ActivationName, z: Tensor): Tensor {
  switch (name) {
    case 'linear': return z;
    case 'relu': return ops.relu(z);
    case 'sigmoid': return ops.sigmoid(z);
    case 'tanh': return ops.tanh(z);
    case 'softmax': return ops.softmax(z);
  }
}

/** Backward from the forward output y (every supported activation's derivative is a function of y). */
export function activateBackward(name: ActivationName, dy: Tensor, y: Tensor): Tensor {
  switch (name) {
    case 'linear': return dy;
    case 'relu': return ops.reluBackward(dy, y);
    case 'sigmoid': return ops.sigmoidBackward(dy, y);
    case 'tanh': return ops.tanhBackward(dy, y);
    case 'softmax': return ops.softmaxBackward(dy, y);
  }
}
