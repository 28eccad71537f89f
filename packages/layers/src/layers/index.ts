import type { LayerArgs } from '../engine/layer.js';
import { Activation, type ActivationArgs } from './activation.js';
import { BatchNormalization, type BatchNormalizationArgs } from './batch-normalization.js';
import { Conv2D, type Conv2DArgs } from './conv2d.js';
import { Dense, type DenseArgs } from './dense.js';
import { Dropout, type DropoutArgs } from './dropout.js';
import { Flatten } from './flatten.js';
import { InputLayer, input, type InputArgs } from './input-layer.js';
import { MaxPooling2D, type MaxPooling2DArgs } from './max-pooling2d.js';
import { Add, Concatenate, type ConcatenateArgs } from './merge.js';
import { Normalization, type NormalizationArgs } from './normalization.js';
import { GroupNormalization, type GroupNormalizationArgs } from './group-normalization.js';

/** Layer factories with tfjs-layers names: `layers.dense({ units: 16, activation: 'relu' })`. */
export const layers = {
  input: (args: InputArgs) => input(args),
  inputLayer: (args: InputArgs) => input(args).sourceLayer as InputLayer,
  dense: (args: DenseArgs) => new Dense(args),
  conv2d: (args: Conv2DArgs) => new Conv2D(args),
  batchNormalization: (args?: BatchNormalizationArgs) => new BatchNormalization(args),
  dropout: (args: DropoutArgs) => new Dropout(args),
  maxPooling2d: (args?: MaxPooling2DArgs) => new MaxPooling2D(args),
  maxPool2d: (args?: MaxPooling2DArgs) => new MaxPooling2D(args),
  flatten: (args?: LayerArgs) => new Flatten(args),
  activation: (args: ActivationArgs) => new Activation(args),
  add: (args?: LayerArgs) => new Add(args),
  concatenate: (args?: ConcatenateArgs) => new Concatenate(args),
  normalization: (args?: NormalizationArgs) => new Normalization(args),
  groupNormalization: (args?: GroupNormalizationArgs) => new GroupNormalization(args),
};

export { Activation, Add, BatchNormalization, Concatenate, Conv2D, Dense, Dropout, Flatten, InputLayer, MaxPooling2D, Normalization, GroupNormalization, input };
export type { ActivationArgs, BatchNormalizationArgs, ConcatenateArgs, Conv2DArgs, DenseArgs, DropoutArgs, InputArgs, MaxPooling2DArgs, NormalizationArgs, GroupNormalizationArgs };
