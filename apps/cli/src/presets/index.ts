import { layers, sequential, type Layer, type LayersModel } from '@batchwise/layers';

/*
 * The four `batchwise train` presets, written with the @batchwise/layers API.
 * The CNN defaults were chosen by measurement (see the README "Defaults"
 * section): `batchwise train` with no flags trains cnn-bn on Fashion-MNIST to
 * >= 90% test accuracy in under a minute on two cores with the native backend.
 */

export const IMAGE_INPUT_SHAPE = [28, 28, 1] as const;

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
  /** The layers after the 28x28x1 image input. */
  layers(): Layer[];
  defaults: TrainDefaults;
}

const dense = (units: number, activation: 'relu' | 'softmax' | 'linear' = 'linear', useBias = true) => layers.dense({ units, activation, useBias });
// He initialisation suits ReLU networks (He et al. 2015); Keras' glorot default is kept for dense layers.
const conv = (filters: number, activation: 'relu' | 'linear', useBias: boolean) =>
  layers.conv2d({ filters, kernelSize: 3, padding: 'same', activation, useBias, kernelInitializer: 'heNormal' });
const relu = () => layers.activation({ activation: 'relu' });

/** Plain MLP: 784-256-128-10 with ReLU. */
export const MLP: Preset = {
  name: 'mlp',
  description: 'MLP 784-256-128-10, ReLU, no normalization',
  layers: () => [layers.flatten(), dense(256, 'relu'), dense(128, 'relu'), dense(10, 'softmax')],
  defaults: { epochs: 5, batchSize: 64, learningRate: 1e-3, lrDecay: 1, optimizer: 'adam' },
};

/**
 * The same MLP with Batch Norm between each linear map and its ReLU (Ioffe &
 * Szegedy 2015, section 3.2: normalize x = Wu, not u). The dense bias is
 * dropped because BN's beta replaces it (the mean subtraction cancels it).
 */
export const MLP_BN: Preset = {
  name: 'mlp-bn',
  description: 'MLP 784-256-128-10, dense (no bias) -> BatchNorm -> ReLU',
  layers: () => [
    layers.flatten(),
    dense(256, 'linear', false), layers.batchNormalization(), relu(),
    dense(128, 'linear', false), layers.batchNormalization(), relu(),
    dense(10, 'softmax'),
  ],
  defaults: { epochs: 5, batchSize: 64, learningRate: 3e-3, lrDecay: 0.7, optimizer: 'adam' },
};

/** A small CNN without normalization: two conv blocks with max-pooling, then a dense head. */
export const CNN: Preset = {
  name: 'cnn',
  description: 'CNN conv16-pool-conv32-pool-dense128-dropout-dense10, ReLU, no normalization',
  layers: () => [
    conv(16, 'relu', true), layers.maxPooling2d({ poolSize: 2 }),
    conv(32, 'relu', true), layers.maxPooling2d({ poolSize: 2 }),
    layers.flatten(), dense(128, 'relu'), layers.dropout({ rate: 0.3 }), dense(10, 'softmax'),
  ],
  defaults: { epochs: 4, batchSize: 64, learningRate: 1e-3, lrDecay: 0.7, optimizer: 'adam' },
};

/**
 * The same CNN with Batch Norm after every conv and the hidden dense layer,
 * before the ReLU. Convolutions drop their bias (BN's beta replaces it), and
 * BN normalizes per channel over batch, height and width (the paper's section
 * 3.2: one mean and variance per feature map).
 */
export const CNN_BN: Preset = {
  name: 'cnn-bn',
  description: 'CNN conv16-BN-relu-pool-conv32-BN-relu-pool-dense128-BN-relu-dropout-dense10',
  layers: () => [
    conv(16, 'linear', false), layers.batchNormalization(), relu(), layers.maxPooling2d({ poolSize: 2 }),
    conv(32, 'linear', false), layers.batchNormalization(), relu(), layers.maxPooling2d({ poolSize: 2 }),
    layers.flatten(),
    dense(128, 'linear', false), layers.batchNormalization(), relu(), layers.dropout({ rate: 0.3 }),
    dense(10, 'softmax'),
  ],
  defaults: { epochs: 4, batchSize: 64, learningRate: 3e-3, lrDecay: 0.5, optimizer: 'adam' },
};

export const PRESETS: readonly Preset[] = [MLP, MLP_BN, CNN, CNN_BN];
export const PRESET_NAMES = PRESETS.map((p) => p.name);
export const DEFAULT_PRESET = CNN_BN;

export function findPreset(name: string): Preset | undefined {
  return PRESETS.find((p) => p.name === name);
}

/**
 * A Sequential model of these layers on `inputShape`, its weights and dropout
 * drawn from `seed` (LayersModel.initializeWeights): the seed alone decides the start.
 */
export function buildModel(stack: Layer[], inputShape: readonly number[], seed: number, name?: string): LayersModel {
  const model = sequential({ layers: [layers.inputLayer({ shape: [...inputShape] }), ...stack], ...(name ? { name } : {}) });
  model.initializeWeights(seed);
  return model;
}
