import { layers, sequential, train, type Layer, type LayersModel } from '@batchwise/layers';

/*
 * The two networks the page trains side by side, after the paper's MNIST
 * network (Ioffe & Szegedy 2015, section 4.1): three hidden layers of 100
 * units, with and without batch normalization, trained with plain SGD. ReLU
 * rather than the paper's sigmoid, so that a large learning rate makes the
 * plain network diverge (batchwise's learning-rate experiment: usable up to
 * about 0.3 without BN, 3 with it). Each activation is a layer of its own,
 * so the input of a hidden unit can be read (probe.ts).
 */

export const HIDDEN_UNITS = 100;
export const HIDDEN_LAYERS = 3;
export const INPUT_SIZE = 784;
export const CLASSES = 10;
/** Which unit of the last hidden layer is watched (as `batchwise experiment covariate-shift --unit 0`). */
export const WATCHED_UNIT = 0;

export type Variant = 'plain' | 'bn';
export const VARIANTS: readonly Variant[] = ['plain', 'bn'];
export const VARIANT_LABEL: Record<Variant, string> = { plain: 'without BN', bn: 'with BN' };

function stack(bn: boolean): Layer[] {
  const out: Layer[] = [layers.inputLayer({ shape: [INPUT_SIZE] })];
  for (let i = 0; i < HIDDEN_LAYERS; i++) {
    // With BN the dense bias is dropped: BN's beta replaces it (the mean subtraction cancels it).
    out.push(layers.dense({ units: HIDDEN_UNITS, useBias: !bn }));
    if (bn) out.push(layers.batchNormalization());
    out.push(layers.activation({ activation: 'relu' }));
  }
  out.push(layers.dense({ units: CLASSES, activation: 'softmax' }));
  return out;
}

/** A fresh, compiled network; its weights come from `seed` alone. */
export function demoNetwork(variant: Variant, learningRate: number, seed: number): LayersModel {
  const model = sequential({ layers: stack(variant === 'bn'), name: `demo_${variant}` });
  model.initializeWeights(seed);
  model.compile({ optimizer: train.sgd(learningRate), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}
