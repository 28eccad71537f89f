import { readFile } from 'node:fs/promises';
import { CliError, describeFileError } from '../cli/errors.js';
import type { ActivationName, LayerSpec } from './spec.js';

/*
 * `batchwise train my-model.json`: a TensorFlow.js model.json that holds only
 * a topology (no weights yet) becomes layer specs, then a fresh model with
 * seeded initial weights. @batchwise/layers can only load a topology together
 * with its weights (see README, "Needs from other packages"), so the
 * Sequential layer classes the presets use are read here. Keys may be
 * snake_case (Keras, tfjs files) or camelCase.
 */

type Config = Record<string, unknown>;

function pick(config: Config, snake: string): unknown {
  const camel = snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  return config[snake] ?? config[camel];
}

function firstInt(v: unknown): number | undefined {
  const x = Array.isArray(v) ? v[0] : v;
  return typeof x === 'number' && Number.isInteger(x) ? x : undefined;
}

const ACTIVATIONS: readonly string[] = ['relu', 'sigmoid', 'tanh', 'softmax', 'linear'];

export interface TopologySpec {
  layers: LayerSpec[];
  /** Input shape without the batch axis, from batch_input_shape. */
  inputShape: number[] | null;
}

/** Options this reader cannot honour must be at their neutral value, or the model would silently differ from the file. */
function requireUnit(where: string, c: Config, key: string): void {
  const v = pick(c, key);
  const values = v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
  if (values.some((x) => x !== 1)) throw new CliError(`${where}: ${key} must be 1 (the only value read here), received ${JSON.stringify(v)}`);
}

function optionalNumber(c: Config, key: string): number | undefined {
  const v = pick(c, key);
  return typeof v === 'number' ? v : undefined;
}

function layerSpec(where: string, className: string, c: Config): LayerSpec | null {
  const name = typeof c.name === 'string' ? c.name : undefined;
  const activation = (pick(c, 'activation') ?? 'linear') as string;
  if (!ACTIVATIONS.includes(activation)) throw new CliError(`${where}: activation must be one of ${ACTIVATIONS.join(', ')}, received '${activation}'`);
  const act = activation as ActivationName;
  switch (className) {
    case 'InputLayer':
      return null;
    case 'Dense':
      return { type: 'dense', name, units: Number(pick(c, 'units')), activation: act, useBias: pick(c, 'use_bias') !== false };
    case 'Conv2D':
      requireUnit(where, c, 'strides');
      requireUnit(where, c, 'dilation_rate');
      return {
        type: 'conv2d', name, filters: Number(pick(c, 'filters')), kernelSize: firstInt(pick(c, 'kernel_size')) ?? Number.NaN,
        padding: pick(c, 'padding') === 'same' ? 'same' : 'valid', activation: act, useBias: pick(c, 'use_bias') !== false,
      };
    case 'BatchNormalization':
      return { type: 'batchNormalization', name, momentum: optionalNumber(c, 'momentum'), epsilon: optionalNumber(c, 'epsilon') };
    case 'Activation':
      return { type: 'activation', name, activation: act };
    case 'Dropout':
      return { type: 'dropout', name, rate: Number(pick(c, 'rate')) };
    case 'MaxPooling2D':
    case 'MaxPool2D': {
      const poolSize = firstInt(pick(c, 'pool_size')) ?? 2;
      const strides = pick(c, 'strides');
      if (strides !== undefined && strides !== null && firstInt(strides) !== poolSize) {
        throw new CliError(`${where}: strides must equal pool_size (the only case read here), received ${JSON.stringify(strides)}`);
      }
      return { type: 'maxPooling2d', name, poolSize };
    }
    case 'Flatten':
      return { type: 'flatten', name };
    default:
      throw new CliError(
        `${where}: layer class must be one of Dense, Conv2D, BatchNormalization, Activation, Dropout, MaxPooling2D, Flatten, received '${className}'`,
      );
  }
}

/** Layer specs from a parsed model.json (or a bare modelTopology). */
export function topologyToSpecs(path: string, json: unknown): TopologySpec {
  const root = (json as Config | null)?.modelTopology ?? json;
  const topology = ((root as Config | null)?.model_config ?? root) as Config | null;
  if (topology?.class_name !== 'Sequential') {
    throw new CliError(`${path}: the topology must be a Sequential model, received ${String(topology?.class_name ?? 'no class_name')}`);
  }
  const config = topology.config as Config | Config[];
  const list = (Array.isArray(config) ? config : (config?.layers as Config[] | undefined)) ?? [];
  let inputShape: number[] | null = null;
  const specs: LayerSpec[] = [];
  list.forEach((entry, i) => {
    const c = (entry.config ?? {}) as Config;
    const shape = pick(c, 'batch_input_shape') ?? pick(c, 'batch_shape');
    if (inputShape === null && Array.isArray(shape)) inputShape = (shape as number[]).slice(1);
    const spec = layerSpec(`${path}: layer ${i} (${String(c.name ?? entry.class_name)})`, String(entry.class_name), c);
    if (spec) specs.push(spec);
  });
  if (specs.length === 0) throw new CliError(`${path}: the topology has no layers`);
  return { layers: specs, inputShape };
}

export async function readTopologyFile(path: string): Promise<TopologySpec> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new CliError(describeFileError(path, e));
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CliError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  return topologyToSpecs(path, json);
}
