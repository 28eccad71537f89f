import type { Preset } from './spec.js';

/*
 * The four `batchwise train` presets. The CNN defaults were chosen by
 * measurement (see the README "Defaults" section): `batchwise train` with no
 * flags trains cnn-bn on Fashion-MNIST to >= 90% test accuracy in a few
 * minutes on two cores with the native backend.
 */

/** Plain MLP: 784-256-128-10 with ReLU. */
export const MLP: Preset = {
  name: 'mlp',
  description: 'MLP 784-256-128-10, ReLU, no normalization',
  layers: [
    { type: 'flatten' },
    { type: 'dense', units: 256, activation: 'relu' },
    { type: 'dense', units: 128, activation: 'relu' },
    { type: 'dense', units: 10, activation: 'softmax' },
  ],
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
  layers: [
    { type: 'flatten' },
    { type: 'dense', units: 256, useBias: false },
    { type: 'batchNormalization' },
    { type: 'activation', activation: 'relu' },
    { type: 'dense', units: 128, useBias: false },
    { type: 'batchNormalization' },
    { type: 'activation', activation: 'relu' },
    { type: 'dense', units: 10, activation: 'softmax' },
  ],
  defaults: { epochs: 5, batchSize: 64, learningRate: 3e-3, lrDecay: 0.7, optimizer: 'adam' },
};

/** A small CNN without normalization: two conv blocks with max-pooling, then a dense head. */
export const CNN: Preset = {
  name: 'cnn',
  description: 'CNN conv16-pool-conv32-pool-dense128-dropout-dense10, ReLU, no normalization',
  layers: [
    { type: 'conv2d', filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' },
    { type: 'maxPooling2d', poolSize: 2 },
    { type: 'conv2d', filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' },
    { type: 'maxPooling2d', poolSize: 2 },
    { type: 'flatten' },
    { type: 'dense', units: 128, activation: 'relu' },
    { type: 'dropout', rate: 0.3 },
    { type: 'dense', units: 10, activation: 'softmax' },
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
  layers: [
    { type: 'conv2d', filters: 16, kernelSize: 3, padding: 'same', useBias: false },
    { type: 'batchNormalization' },
    { type: 'activation', activation: 'relu' },
    { type: 'maxPooling2d', poolSize: 2 },
    { type: 'conv2d', filters: 32, kernelSize: 3, padding: 'same', useBias: false },
    { type: 'batchNormalization' },
    { type: 'activation', activation: 'relu' },
    { type: 'maxPooling2d', poolSize: 2 },
    { type: 'flatten' },
    { type: 'dense', units: 128, useBias: false },
    { type: 'batchNormalization' },
    { type: 'activation', activation: 'relu' },
    { type: 'dropout', rate: 0.3 },
    { type: 'dense', units: 10, activation: 'softmax' },
  ],
  defaults: { epochs: 4, batchSize: 64, learningRate: 3e-3, lrDecay: 0.5, optimizer: 'adam' },
};

export const PRESETS: readonly Preset[] = [MLP, MLP_BN, CNN, CNN_BN];
export const PRESET_NAMES = PRESETS.map((p) => p.name);
export const DEFAULT_PRESET = CNN_BN;

export function findPreset(name: string): Preset | undefined {
  return PRESETS.find((p) => p.name === name);
}
