import type { LayerSpec, ModelSpec } from './specs.js';

/*
 * Builds a model spec (./specs.ts) through the tfjs-layers API that both
 * @batchwise/layers and @tensorflow/tfjs-layers offer, so the two build the
 * same architecture from the same code.
 */

type Factory = (args?: Record<string, unknown>) => unknown;

export interface ModelLike {
  compile(args: { optimizer: unknown; loss: string; metrics?: string[] }): void;
  trainOnBatch(x: unknown, y: unknown): Promise<unknown> | unknown;
  predict(x: unknown, args?: { batchSize?: number }): unknown;
}

/** The part of a tfjs-layers-style API the models use (`train` is tfjs-core's in TensorFlow.js). */
export interface LayersApi {
  layers: Record<'conv2d' | 'batchNormalization' | 'activation' | 'maxPooling2d' | 'flatten' | 'dense' | 'dropout', Factory>;
  sequential(args: { layers: unknown[] }): ModelLike;
  /** Only in @batchwise/layers. */
  setWarningHandler?(handler: (message: string) => void): unknown;
  train: {
    sgd(learningRate: number): unknown;
    adam(learningRate: number, beta1?: number, beta2?: number, epsilon?: number): unknown;
  };
}

/** Keras' Adam constants, given explicitly so both libraries (and PyTorch) use the same. */
export const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } as const;

function layer(api: LayersApi, spec: LayerSpec, first: Record<string, unknown>): unknown {
  const l = api.layers;
  switch (spec.type) {
    case 'conv2d':
      return l.conv2d({
        ...first,
        filters: spec.filters,
        kernelSize: spec.kernelSize,
        padding: 'same',
        useBias: spec.useBias,
        ...(spec.kernelInitializer ? { kernelInitializer: spec.kernelInitializer } : {}),
      });
    case 'batchNormalization':
      return l.batchNormalization(first);
    case 'activation':
      return l.activation({ ...first, activation: spec.activation });
    case 'maxPooling2d':
      return l.maxPooling2d({ ...first, poolSize: spec.poolSize });
    case 'flatten':
      return l.flatten(first);
    case 'dense':
      return l.dense({ ...first, units: spec.units, useBias: spec.useBias, ...(spec.activation ? { activation: spec.activation } : {}) });
    case 'dropout':
      return l.dropout({ ...first, rate: spec.rate });
  }
}

/** The spec's optimizer in `api`'s own classes. */
export function optimizerOf(api: LayersApi, spec: ModelSpec): unknown {
  const o = spec.optimizer;
  return o.name === 'sgd' ? api.train.sgd(o.learningRate) : api.train.adam(o.learningRate, ADAM.beta1, ADAM.beta2, ADAM.epsilon);
}

/** Builds and compiles (the spec's optimizer, categorical cross-entropy) one model. */
export function buildModel(api: LayersApi, spec: ModelSpec, metrics?: string[]): ModelLike {
  const layers = spec.layers.map((s, i) => layer(api, s, i === 0 ? { inputShape: [...spec.inputShape] } : {}));
  const model = api.sequential({ layers });
  model.compile({ optimizer: optimizerOf(api, spec), loss: 'categoricalCrossentropy', ...(metrics ? { metrics } : {}) });
  return model;
}
