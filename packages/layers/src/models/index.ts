import type { SymbolicTensor } from '../engine/symbolic-tensor.js';
import { LayersModel } from './layers-model.js';
import { Sequential, type SequentialArgs } from './sequential.js';

/** A linear stack: `sequential({ layers: [layers.dense({ units: 16, inputShape: [5] }), ...] })`. */
export function sequential(args: SequentialArgs = {}): Sequential {
  return new Sequential(args);
}

/** A graph model from symbolic inputs and outputs (tfjs `tf.model`). */
export function model(args: { inputs: SymbolicTensor | SymbolicTensor[]; outputs: SymbolicTensor | SymbolicTensor[]; name?: string }): LayersModel {
  return new LayersModel(args);
}

export { LayersModel, Sequential };
