/*
 * The benchmarked models as plain data: one list of layers each, read by
 * every contender (batchwise and tfjs-layers build it through the layers API,
 * the PyTorch child builds it from the JSON), so all of them run the same
 * architecture. Convolutions are 3x3 'same', stride 1, NHWC.
 */

export type LayerSpec =
  | { type: 'conv2d'; filters: number; kernelSize: number; useBias: boolean; kernelInitializer?: 'heNormal' }
  | { type: 'batchNormalization' }
  | { type: 'activation'; activation: 'relu' | 'sigmoid' }
  | { type: 'maxPooling2d'; poolSize: number }
  | { type: 'flatten' }
  | { type: 'dense'; units: number; useBias: boolean; activation?: 'softmax' }
  | { type: 'dropout'; rate: number };

export type ModelId = 'cnn' | 'mlp' | 'cnnBn';

export interface ModelSpec {
  id: ModelId;
  label: string;
  /** One example without the batch axis: [28, 28, 1] (NHWC) or [784]. */
  inputShape: readonly number[];
  layers: readonly LayerSpec[];
  optimizer: { name: 'sgd' | 'adam'; learningRate: number };
  /** Batch size of the training step. */
  trainBatch: number;
}

export const CLASSES = 10;

/** Keras' SGD default learning rate: what `compile({ optimizer: 'sgd' })` gives in both layers libraries. */
const KERAS_SGD_LR = 0.01;

/**
 * conv 3x3 (32) - BN - relu - maxpool 2 - conv 3x3 (64) - BN - relu - maxpool 2
 * - flatten - dense 10 softmax. Convolutions feeding BN have no bias: BN's
 * beta replaces it (Ioffe & Szegedy 2015, sec. 3.2).
 */
export const BENCH_CNN: ModelSpec = {
  id: 'cnn',
  label: 'CNN+BN',
  inputShape: [28, 28, 1],
  layers: [
    { type: 'conv2d', filters: 32, kernelSize: 3, useBias: false },
    { type: 'batchNormalization' },
    { type: 'activation', activation: 'relu' },
    { type: 'maxPooling2d', poolSize: 2 },
    { type: 'conv2d', filters: 64, kernelSize: 3, useBias: false },
    { type: 'batchNormalization' },
    { type: 'activation', activation: 'relu' },
    { type: 'maxPooling2d', poolSize: 2 },
    { type: 'flatten' },
    { type: 'dense', units: CLASSES, useBias: true, activation: 'softmax' },
  ],
  optimizer: { name: 'sgd', learningRate: KERAS_SGD_LR },
  trainBatch: 64,
};

const sigmoidBlock: readonly LayerSpec[] = [
  { type: 'dense', units: 100, useBias: false },
  { type: 'batchNormalization' },
  { type: 'activation', activation: 'sigmoid' },
];

/** Ioffe & Szegedy (2015), sec. 4.1: 3 hidden layers of 100 sigmoid units with BN, mini-batches of 60. */
export const BENCH_MLP: ModelSpec = {
  id: 'mlp',
  label: 'MLP 784-100x3-10+BN',
  inputShape: [784],
  layers: [...sigmoidBlock, ...sigmoidBlock, ...sigmoidBlock, { type: 'dense', units: CLASSES, useBias: true, activation: 'softmax' }],
  optimizer: { name: 'sgd', learningRate: KERAS_SGD_LR },
  trainBatch: 60,
};

/**
 * The CLI's `cnn-bn` preset (apps/cli/src/presets/index.ts, CNN_BN) with its
 * training defaults: [conv 3x3 (no bias, He normal) - BN - relu - maxpool] x
 * (16, 32), flatten, dense 128 (no bias) - BN - relu - dropout 0.3, dense 10
 * softmax; Adam 3e-3, batch 64, learning rate x0.5 per epoch. Copied rather
 * than imported: the bench does not depend on the CLI app.
 */
export const CNN_BN_PRESET: ModelSpec = {
  id: 'cnnBn',
  label: 'cnn-bn preset (Adam)',
  inputShape: [28, 28, 1],
  layers: [
    { type: 'conv2d', filters: 16, kernelSize: 3, useBias: false, kernelInitializer: 'heNormal' },
    { type: 'batchNormalization' },
    { type: 'activation', activation: 'relu' },
    { type: 'maxPooling2d', poolSize: 2 },
    { type: 'conv2d', filters: 32, kernelSize: 3, useBias: false, kernelInitializer: 'heNormal' },
    { type: 'batchNormalization' },
    { type: 'activation', activation: 'relu' },
    { type: 'maxPooling2d', poolSize: 2 },
    { type: 'flatten' },
    { type: 'dense', units: 128, useBias: false },
    { type: 'batchNormalization' },
    { type: 'activation', activation: 'relu' },
    { type: 'dropout', rate: 0.3 },
    { type: 'dense', units: CLASSES, useBias: true, activation: 'softmax' },
  ],
  optimizer: { name: 'adam', learningRate: 3e-3 },
  trainBatch: 64,
};

/** The preset's other training defaults (the CLI's `batchwise train`): epochs, per-epoch decay, seed, held-out share. */
export const CNN_BN_TRAINING = { epochs: 4, lrDecay: 0.5, seed: 1, validationSplit: 0.1 } as const;

export const MODEL_SPECS: readonly ModelSpec[] = [BENCH_CNN, BENCH_MLP, CNN_BN_PRESET];

export function modelSpec(id: ModelId): ModelSpec {
  const found = MODEL_SPECS.find((s) => s.id === id);
  if (!found) throw new RangeError(`modelSpec: id must be one of ${MODEL_SPECS.map((s) => s.id).join(', ')}, received '${id}'.`);
  return found;
}

/** Predict batch sizes: 1 is latency, 256 throughput. */
export const PREDICT_BATCHES = [1, 8, 64, 256] as const;
/** A smoke run (--quick) predicts at batch 1 only. */
export const QUICK_PREDICT_BATCHES = [1] as const;

/** One timed cell of the model benchmark: a training step or a prediction at one batch size. */
export interface ModelCase {
  id: string;
  label: string;
  spec: ModelSpec;
  mode: 'train' | 'predict';
  batch: number;
}

/** Every model's training step, then its predictions at each batch size. */
export function modelCases(quick = false): ModelCase[] {
  const batches = quick ? QUICK_PREDICT_BATCHES : PREDICT_BATCHES;
  return MODEL_SPECS.flatMap((spec) => [
    { id: `${spec.id}-train`, label: `${spec.label} train`, spec, mode: 'train' as const, batch: spec.trainBatch },
    ...batches.map((batch) => ({ id: `${spec.id}-predict-${batch}`, label: `${spec.label} predict`, spec, mode: 'predict' as const, batch })),
  ]);
}
