import { initializers, layers, sequential, type Layer, type Sequential } from '@batchwise/layers';
import type { LayerSpec } from './spec.js';

/*
 * Turns layer specs into a @batchwise/layers Sequential model. Every random
 * initializer and dropout layer gets a seed derived from --seed and the
 * layer's position, so `--seed` alone decides the starting weights (the
 * layers package would otherwise derive seeds from layer names).
 */

export const IMAGE_INPUT_SHAPE = [28, 28, 1] as const;

function layerSeed(seed: number, index: number, salt: number): number {
  return ((seed >>> 0) * 1000 + index * 10 + salt) >>> 0;
}

function toLayer(spec: LayerSpec, index: number, seed: number, inputShape: number[] | undefined): Layer {
  const first = inputShape ? { inputShape } : {};
  const name = spec.name ?? `${spec.type.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}_${index + 1}`;
  switch (spec.type) {
    case 'dense':
      return layers.dense({
        ...first, name, units: spec.units, activation: spec.activation ?? 'linear', useBias: spec.useBias ?? true,
        kernelInitializer: initializers.glorotUniform({ seed: layerSeed(seed, index, 1) }),
      });
    case 'conv2d':
      return layers.conv2d({
        ...first, name, filters: spec.filters, kernelSize: spec.kernelSize, padding: spec.padding ?? 'same',
        activation: spec.activation ?? 'linear', useBias: spec.useBias ?? true,
        // He initialisation suits ReLU networks (He et al. 2015); Keras' glorot default is kept for dense layers.
        kernelInitializer: initializers.heNormal({ seed: layerSeed(seed, index, 1) }),
      });
    case 'batchNormalization':
      return layers.batchNormalization({
        ...first, name,
        ...(spec.momentum !== undefined ? { momentum: spec.momentum } : {}),
        ...(spec.epsilon !== undefined ? { epsilon: spec.epsilon } : {}),
      });
    case 'activation':
      return layers.activation({ ...first, name, activation: spec.activation });
    case 'dropout':
      return layers.dropout({ ...first, name, rate: spec.rate, seed: layerSeed(seed, index, 2) });
    case 'maxPooling2d':
      return layers.maxPooling2d({ ...first, name, poolSize: spec.poolSize });
    case 'flatten':
      return layers.flatten({ ...first, name });
  }
}

/** A Sequential model from specs; the first layer receives `inputShape`. */
export function buildModel(specs: readonly LayerSpec[], inputShape: readonly number[], seed: number, name?: string): Sequential {
  const stack = specs.map((spec, i) => toLayer(spec, i, seed, i === 0 ? [...inputShape] : undefined));
  return sequential({ layers: stack, ...(name ? { name } : {}) });
}
