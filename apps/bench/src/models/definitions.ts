/*
 * The benchmarked models, written once against the tfjs-layers API that both
 * @batchwise/layers and @tensorflow/tfjs-layers offer, so the two build the
 * same architecture from the same code.
 */

type Factory = (args?: Record<string, unknown>) => unknown;

export interface ModelLike {
  compile(args: { optimizer: string; loss: string }): void;
  trainOnBatch(x: unknown, y: unknown): Promise<unknown>;
  predict(x: unknown, args?: { batchSize?: number }): unknown;
}

/** The part of a tfjs-layers-style API the models use. */
export interface LayersApi {
  layers: Record<'conv2d' | 'batchNormalization' | 'activation' | 'maxPooling2d' | 'flatten' | 'dense', Factory>;
  sequential(args: { layers: unknown[] }): ModelLike;
}

export type ModelKind = 'cnn' | 'mlp';

export interface ModelCase {
  id: string;
  label: string;
  model: ModelKind;
  mode: 'train' | 'predict';
  batch: number;
}

export const MODEL_CASES: readonly ModelCase[] = [
  { id: 'cnnTrain', label: 'CNN+BN trainOnBatch', model: 'cnn', mode: 'train', batch: 64 },
  { id: 'cnnPredict', label: 'CNN+BN predict', model: 'cnn', mode: 'predict', batch: 256 },
  // Ioffe & Szegedy (2015), sec. 4.1: 3 hidden layers of 100 sigmoid units with BN, mini-batches of 60.
  { id: 'mlpTrain', label: 'MLP 784-100-100-100-10+BN trainOnBatch', model: 'mlp', mode: 'train', batch: 60 },
  { id: 'mlpPredict', label: 'MLP 784-100-100-100-10+BN predict', model: 'mlp', mode: 'predict', batch: 256 },
];

/** Input shape of one example, without the batch axis. */
export function inputShape(kind: ModelKind): number[] {
  return kind === 'cnn' ? [28, 28, 1] : [784];
}

export const CLASSES = 10;

/**
 * conv 3x3 (32) - BN - relu - maxpool 2 - conv 3x3 (64) - BN - relu - maxpool 2
 * - flatten - dense 10 softmax. Convolutions feeding BN have no bias: BN's
 * beta replaces it (Ioffe & Szegedy 2015, sec. 3.2).
 */
function cnn(api: LayersApi): ModelLike {
  const l = api.layers;
  return api.sequential({
    layers: [
      l.conv2d({ inputShape: inputShape('cnn'), filters: 32, kernelSize: 3, padding: 'same', useBias: false }),
      l.batchNormalization(),
      l.activation({ activation: 'relu' }),
      l.maxPooling2d({ poolSize: 2 }),
      l.conv2d({ filters: 64, kernelSize: 3, padding: 'same', useBias: false }),
      l.batchNormalization(),
      l.activation({ activation: 'relu' }),
      l.maxPooling2d({ poolSize: 2 }),
      l.flatten(),
      l.dense({ units: CLASSES, activation: 'softmax' }),
    ],
  });
}

function mlp(api: LayersApi): ModelLike {
  const l = api.layers;
  const hidden = (first: boolean) => [
    l.dense({ units: 100, useBias: false, ...(first ? { inputShape: inputShape('mlp') } : {}) }),
    l.batchNormalization(),
    l.activation({ activation: 'sigmoid' }),
  ];
  return api.sequential({ layers: [...hidden(true), ...hidden(false), ...hidden(false), l.dense({ units: CLASSES, activation: 'softmax' })] });
}

/** Builds and compiles (plain SGD, categorical cross-entropy) one model. */
export function buildModel(api: LayersApi, kind: ModelKind): ModelLike {
  const model = kind === 'cnn' ? cnn(api) : mlp(api);
  model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
  return model;
}
