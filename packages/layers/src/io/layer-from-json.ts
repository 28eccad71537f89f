import { InvalidArgumentError, describeValue } from '@batchwise/core';
import { nameAt } from './json-checks.js';
import type { Layer } from '../engine/layer.js';
import { snakeToCamel } from '../engine/naming.js';
import { initializerFromConfig } from '../initializers.js';
import { Activation } from '../layers/activation.js';
import { BATCH_NORMALIZATION_OWN_KEYS, BatchNormalization } from '../layers/batch-normalization.js';
import { Conv2D } from '../layers/conv2d.js';
import { Dense } from '../layers/dense.js';
import { Dropout } from '../layers/dropout.js';
import { Flatten } from '../layers/flatten.js';
import { MaxPooling2D } from '../layers/max-pooling2d.js';
import { Add, Concatenate } from '../layers/merge.js';
import { Normalization } from '../layers/normalization.js';
import { GroupNormalization } from '../layers/group-normalization.js';

/*
 * Layers from saved Keras/tfjs configs. Accepts what tfjs-layers writes and
 * what Keras 2/3 converters write (BatchNormalizationV1/V2, axis as a number
 * or a one-element list, batch_shape). Options batchwise cannot honour
 * (regularizers, constraints, channels_first) are errors, never dropped.
 */

type Config = Record<string, unknown>;
type Factory = (args: Config) => Layer;

/** nullable: keys whose null is a value (BatchNormalization's momentum null: cumulative average), not "unset". */
const FACTORIES: Record<string, { make: Factory; keys: string[]; nullable?: string[] }> = {
  Dense: { make: (a) => new Dense(a as never), keys: ['units', 'activation', 'use_bias', 'kernel_initializer', 'bias_initializer'] },
  Conv2D: { make: (a) => new Conv2D(a as never), keys: ['filters', 'kernel_size', 'strides', 'padding', 'dilation_rate', 'activation', 'use_bias', 'kernel_initializer', 'bias_initializer'] },
  BatchNormalization: {
    // A file without moving_updates (TensorFlow.js, Keras) says nothing about how long it was trained: unknown.
    make: (a) => new BatchNormalization({ movingUpdates: null, ...a } as never),
    keys: [
      'axis', 'momentum', 'epsilon', 'center', 'scale', 'beta_initializer', 'gamma_initializer', 'moving_mean_initializer', 'moving_variance_initializer',
      ...BATCH_NORMALIZATION_OWN_KEYS, 'renorm_mean', 'renorm_stddev',
    ],
    nullable: ['momentum'],
  },
  Dropout: { make: (a) => new Dropout(a as never), keys: ['rate', 'seed'] },
  MaxPooling2D: { make: (a) => new MaxPooling2D(a as never), keys: ['pool_size', 'strides', 'padding'] },
  Flatten: { make: (a) => new Flatten(a as never), keys: [] },
  Activation: { make: (a) => new Activation(a as never), keys: ['activation'] },
  Add: { make: (a) => new Add(a as never), keys: [] },
  Concatenate: { make: (a) => new Concatenate(a as never), keys: ['axis'] },
  Normalization: { make: (a) => new Normalization(a as never), keys: ['axis', 'mean', 'variance'] },
  GroupNormalization: { make: (a) => new GroupNormalization(a as never), keys: ['groups', 'axis', 'epsilon', 'center', 'scale', 'beta_initializer', 'gamma_initializer'] },
};

/** Other spellings of the same classes in Keras and tfjs files. */
const CLASS_ALIASES: Record<string, string> = {
  BatchNormalizationV1: 'BatchNormalization',
  BatchNormalizationV2: 'BatchNormalization',
  SyncBatchNormalization: 'BatchNormalization',
  Convolution2D: 'Conv2D',
  MaxPool2D: 'MaxPooling2D',
};

export const SUPPORTED_CLASS_NAMES = [...Object.keys(FACTORIES), ...Object.keys(CLASS_ALIASES), 'InputLayer'];

export function canonicalClassName(className: string): string {
  return CLASS_ALIASES[className] ?? className;
}

function activationName(v: unknown): unknown {
  // Keras 3 may store an activation as { class_name, config }; tfjs stores the name.
  if (v !== null && typeof v === 'object' && 'config' in v) return (v as { config: { name?: string } }).config.name;
  return v ?? 'linear';
}

/** Batch input shape from batch_input_shape (tfjs, Keras 2) or batch_shape (Keras 3). */
export function batchShapeOf(config: Config): (number | null)[] | undefined {
  const v = (config.batch_input_shape ?? config.batch_shape) as (number | null)[] | undefined;
  return Array.isArray(v) ? v.map((d) => (d === null || d === undefined ? null : d)) : undefined;
}

export function layerFromJson(fn: string, classNameIn: unknown, config: Config): Layer {
  const className = canonicalClassName(String(classNameIn));
  const entry = FACTORIES[className];
  if (!entry) {
    throw new InvalidArgumentError(`${fn}: layer class_name must be one of ${SUPPORTED_CLASS_NAMES.join(', ')}, received ${describeValue(classNameIn)}.`);
  }
  if (config.name !== undefined) nameAt(fn, `layer ${className} name`, config.name);
  const where = `${fn}: layer '${String(config.name)}' (${className})`;
  for (const [k, v] of Object.entries(config)) {
    if ((k.endsWith('_regularizer') || k.endsWith('_constraint')) && v !== null && v !== undefined) {
      throw new InvalidArgumentError(`${where}: ${k} must be null (not supported), received ${JSON.stringify(v)}.`);
    }
  }
  if (config.data_format !== undefined && config.data_format !== null && config.data_format !== 'channels_last') {
    throw new InvalidArgumentError(`${where}: data_format must be 'channels_last', received ${describeValue(config.data_format)}.`);
  }
  if (config.noise_shape !== undefined && config.noise_shape !== null) {
    throw new InvalidArgumentError(`${where}: noise_shape must be null (not supported), received ${JSON.stringify(config.noise_shape)}.`);
  }
  const args: Config = { name: config.name };
  if (config.trainable !== undefined) args.trainable = config.trainable;
  const batchShape = batchShapeOf(config);
  if (batchShape) args.batchInputShape = batchShape;
  for (const key of entry.keys) {
    const v = config[key];
    if (v === undefined || (v === null && !entry.nullable?.includes(key))) continue;
    const camel = snakeToCamel(key);
    if (key.endsWith('_initializer')) args[camel] = initializerFromConfig(v, where);
    else if (key === 'activation') args[camel] = activationName(v);
    else args[camel] = v;
  }
  return entry.make(args);
}
