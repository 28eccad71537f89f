import { Activation, Add, BatchNormalization, Concatenate, Conv2D, Dense, Dropout, Flatten, MaxPooling2D, Normalization, type Layer } from '@batchwise/layers';
import { activationLayer } from './activation.js';
import { batchNormalization } from './batch-normalization.js';
import type { Converter } from './call.js';
import { conv2d } from './conv2d.js';
import { dense } from './dense.js';
import { add, concatenate } from './merge.js';
import { maxPooling2d } from './max-pooling2d.js';
import { normalization } from './normalization.js';
import { dropout, flatten } from './reshape.js';

type LayerClass = abstract new (...args: never[]) => Layer;

/** Every exportable layer class, its class name (kept as a string: bundlers rename classes) and its converter. */
const CONVERTERS: readonly [LayerClass, string, Converter<never>][] = [
  [Dense, 'Dense', dense], [Conv2D, 'Conv2D', conv2d], [BatchNormalization, 'BatchNormalization', batchNormalization],
  [Activation, 'Activation', activationLayer], [MaxPooling2D, 'MaxPooling2D', maxPooling2d], [Flatten, 'Flatten', flatten],
  [Dropout, 'Dropout', dropout], [Add, 'Add', add], [Concatenate, 'Concatenate', concatenate], [Normalization, 'Normalization', normalization],
];

/** Class names of the layers `toOnnx` exports (InputLayer becomes a graph input). */
export const EXPORTABLE_LAYERS: readonly string[] = ['InputLayer', ...CONVERTERS.map(([, name]) => name)].sort();

/** The converter of a layer, or undefined for a class with none. */
export function converterOf(layer: Layer): Converter | undefined {
  return CONVERTERS.find(([cls]) => layer instanceof cls)?.[2] as Converter | undefined;
}
