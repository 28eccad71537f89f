import type { ActivationName, LayerSpec } from '../presets/spec.js';

/*
 * The networks the experiments compare, as layer specs for
 * presets/build-model.ts (seeded initializers, the same builder `train`
 * uses). In every Batch Norm variant the layer before BN has no bias: BN
 * subtracts the batch mean, which cancels any constant, and its beta takes
 * the bias' place (Ioffe & Szegedy 2015, section 3.2; the article, 3.1).
 */

/** Where Batch Norm sits relative to the nonlinearity. */
export type Placement = 'none' | 'before' | 'after';

/** One hidden block: linear map, then (by placement) BN and the activation. */
function block(linear: LayerSpec & { type: 'dense' | 'conv2d' }, activation: ActivationName, placement: Placement): LayerSpec[] {
  if (placement === 'none') return [{ ...linear, activation, useBias: true }];
  if (placement === 'before') {
    return [{ ...linear, activation: 'linear', useBias: false }, { type: 'batchNormalization' }, { type: 'activation', activation }];
  }
  // The article's code examples: Dense(..., activation='relu') then BatchNormalization().
  return [{ ...linear, activation, useBias: true }, { type: 'batchNormalization' }];
}

/**
 * Ioffe & Szegedy's MNIST network (section 4.1): `depth` fully connected
 * hidden layers of `units` units, then softmax. The nonlinearity is always
 * its own Activation layer so the covariate-shift probe can read the input
 * of the last one (the sigmoid's input, the paper's Figure 1b/c).
 */
export function paperMlp(bn: boolean, activation: ActivationName = 'sigmoid', units = 100, depth = 3): LayerSpec[] {
  const specs: LayerSpec[] = [{ type: 'flatten' }];
  for (let i = 0; i < depth; i++) {
    specs.push({ type: 'dense', units, activation: 'linear', useBias: !bn });
    if (bn) specs.push({ type: 'batchNormalization' });
    specs.push({ type: 'activation', activation });
  }
  specs.push({ type: 'dense', units: 10, activation: 'softmax' });
  return specs;
}

/** A ReLU MLP 784-256-256-10 with Batch Norm before the ReLU and/or dropout after it. */
export function regularizedMlp(bn: boolean, dropoutRate: number): LayerSpec[] {
  const specs: LayerSpec[] = [{ type: 'flatten' }];
  for (let i = 0; i < 2; i++) {
    specs.push(...block({ type: 'dense', units: 256 }, 'relu', bn ? 'before' : 'none'));
    if (dropoutRate > 0) specs.push({ type: 'dropout', rate: dropoutRate });
  }
  specs.push({ type: 'dense', units: 10, activation: 'softmax' });
  return specs;
}

/** MLP 784-256-128-10 (the `mlp` preset's shape) with BN at `placement`. */
export function placementMlp(placement: Placement): LayerSpec[] {
  return [
    { type: 'flatten' },
    ...block({ type: 'dense', units: 256 }, 'relu', placement),
    ...block({ type: 'dense', units: 128 }, 'relu', placement),
    { type: 'dense', units: 10, activation: 'softmax' },
  ];
}

/** CNN conv16-pool-conv32-pool-dense128-10 (the `cnn` preset without dropout) with BN at `placement`. */
export function placementCnn(placement: Placement): LayerSpec[] {
  return [
    ...block({ type: 'conv2d', filters: 16, kernelSize: 3, padding: 'same' }, 'relu', placement),
    { type: 'maxPooling2d', poolSize: 2 },
    ...block({ type: 'conv2d', filters: 32, kernelSize: 3, padding: 'same' }, 'relu', placement),
    { type: 'maxPooling2d', poolSize: 2 },
    { type: 'flatten' },
    ...block({ type: 'dense', units: 128 }, 'relu', placement),
    { type: 'dense', units: 10, activation: 'softmax' },
  ];
}

/**
 * The car-rental regressor: 2 inputs, two hidden ReLU layers of 32, one
 * linear output (price in euros). `inputBn` puts a BatchNormalization layer
 * on the raw inputs, so the network normalizes them itself.
 */
export function carRentalMlp(inputBn: boolean): LayerSpec[] {
  return [
    ...(inputBn ? [{ type: 'batchNormalization' } as const] : []),
    { type: 'dense', units: 32, activation: 'relu' },
    { type: 'dense', units: 32, activation: 'relu' },
    { type: 'dense', units: 1, activation: 'linear' },
  ];
}
