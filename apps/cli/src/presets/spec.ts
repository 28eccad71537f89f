/*
 * Architectures as plain data. A preset is a list of layer specs that
 * build-model.ts turns into @batchwise/layers calls, so the same description
 * drives `train`, `summary` and the experiments, and can be printed or
 * compared without building anything.
 */

export type ActivationName = 'relu' | 'sigmoid' | 'tanh' | 'softmax' | 'linear';

export type LayerSpec =
  | { type: 'dense'; units: number; activation?: ActivationName; useBias?: boolean; name?: string }
  | { type: 'conv2d'; filters: number; kernelSize: number; padding?: 'same' | 'valid'; activation?: ActivationName; useBias?: boolean; name?: string }
  | { type: 'batchNormalization'; momentum?: number; epsilon?: number; name?: string }
  | { type: 'activation'; activation: ActivationName; name?: string }
  | { type: 'dropout'; rate: number; name?: string }
  | { type: 'maxPooling2d'; poolSize: number; name?: string }
  | { type: 'flatten'; name?: string };

export type OptimizerName = 'adam' | 'sgd' | 'momentum';
export const OPTIMIZER_NAMES: readonly OptimizerName[] = ['adam', 'sgd', 'momentum'];

export interface TrainDefaults {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** The learning rate is multiplied by this after every epoch (1: constant). */
  lrDecay: number;
  optimizer: OptimizerName;
}

export interface Preset {
  name: string;
  description: string;
  layers: readonly LayerSpec[];
  defaults: TrainDefaults;
}
