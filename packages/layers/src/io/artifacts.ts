import { InvalidArgumentError, assertNonNegativeInt, describeValue } from '@batchwise/core';
import { MODEL_LIMITS, withParameterLimit } from '../engine/parameter-budget.js';
import { checkSpecs, countParameters } from './manifest.js';
import type { LayersModel } from '../models/layers-model.js';
import { Sequential } from '../models/sequential.js';
import { buildFromTopology } from './model-from-json.js';
import { KERAS_VERSION, functionalToJson, sequentialToJson } from './serialization.js';
import { assignByName, decodeWeights, encodeWeights, locateSpecs, type WeightGroup, type WeightSpec } from './weights.js';

/** The in-memory form of a saved model, field for field tfjs's `ModelArtifacts`. */
export interface ModelArtifacts {
  modelTopology: Record<string, unknown>;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  weightSpecs?: WeightSpec[];
  /** Concatenated little-endian float32 values in weightSpecs order (tfjs may also give a list of buffers). */
  weightData?: ArrayBuffer | ArrayBuffer[];
  trainingConfig?: unknown;
}

/** Anything with save(artifacts): tfjs's `io.withSaveHandler(...)` result works too. */
export interface SaveHandler {
  save(artifacts: ModelArtifacts): Promise<unknown> | unknown;
}

/** Anything with load(): tfjs's `io.fromMemory(...)` result works too. */
export interface LoadHandler {
  load(): Promise<ModelArtifacts> | ModelArtifacts;
}

/** Parameters a model built from a file may have beyond what its manifest declares (see modelFromArtifacts). */
const MANIFEST_SLACK = 1_000_000;

export const GENERATED_BY = 'batchwise @batchwise/layers 0.1.0';

export interface LoadOptions {
  /** Refuse weights in the file that the model does not use. Default true. */
  strict?: boolean;
  /** Most parameters the model may have; its weights manifest and its topology are checked before anything is allocated. Default MODEL_LIMITS.maxParameters (100 million). */
  maxParameters?: number;
  /** Largest model.json read from disk, in bytes. Default MODEL_LIMITS.maxModelJsonBytes (32 MiB). */
  maxModelJsonBytes?: number;
}

export function checkMaxParameters(fn: string, options: LoadOptions): number {
  const v = options.maxParameters ?? MODEL_LIMITS.maxParameters;
  assertNonNegativeInt(fn, 'maxParameters', v);
  return v;
}

export function modelTopology(model: LayersModel): Record<string, unknown> {
  if (model instanceof Sequential) {
    return sequentialToJson(model.name, model.layers, model.inputs[0].shape);
  }
  return functionalToJson(model.name, orderOf(model), model.inputs, model.outputs);
}

function orderOf(model: LayersModel) {
  // The graph order is internal; rebuild it from the model's outputs through the public inputs.
  const seen = new Set<number>();
  const order: (typeof model.outputs)[number][] = [];
  const visit = (t: (typeof model.outputs)[number]): void => {
    if (seen.has(t.id)) return;
    seen.add(t.id);
    t.inputs.forEach(visit);
    order.push(t);
  };
  model.inputs.forEach(visit);
  model.outputs.forEach(visit);
  return order;
}

/** Topology plus weights, in tfjs order (trainable weights first, then moving statistics). */
export function modelToArtifacts(model: LayersModel): ModelArtifacts {
  const { specs, data } = encodeWeights(model.weights);
  return {
    modelTopology: modelTopology(model),
    format: 'layers-model',
    generatedBy: GENERATED_BY,
    convertedBy: null,
    weightSpecs: specs,
    weightData: data,
  };
}

export function concatBuffers(data: ArrayBuffer | ArrayBuffer[]): ArrayBuffer {
  if (!Array.isArray(data)) return data;
  const out = new Uint8Array(data.reduce((n, b) => n + b.byteLength, 0));
  let offset = 0;
  for (const b of data) {
    out.set(new Uint8Array(b), offset);
    offset += b.byteLength;
  }
  return out.buffer;
}

/** Builds the model from the topology and loads the weights by name. */
export function modelFromArtifacts(fn: string, artifacts: ModelArtifacts, options: LoadOptions = {}, groups?: WeightGroup[], fileSizes?: Map<string, number>): LayersModel {
  if (artifacts === null || typeof artifacts !== 'object' || artifacts.modelTopology === undefined) {
    throw new InvalidArgumentError(`${fn}: artifacts must have a modelTopology, received ${describeValue(artifacts)}.`);
  }
  const specs = checkSpecs(fn, artifacts.weightSpecs);
  // Every weight of the model must be in the file, so building may stop near what the file declares, before allocating
  // more. The slack lets a small model whose weights are missing build, to get the list of missing weights instead.
  const limit = checkMaxParameters(fn, options);
  const declared = countParameters(fn, specs, limit);
  const budget = Math.min(limit, declared + MANIFEST_SLACK);
  const reason = budget < limit ? `the ${declared} parameters the weights manifest declares (plus ${MANIFEST_SLACK})` : `the limit maxParameters = ${limit}`;
  const model = withParameterLimit(fn, budget, () => buildFromTopology(fn, artifacts.modelTopology), reason);
  const data = concatBuffers(artifacts.weightData ?? new ArrayBuffer(0));
  const located = locateSpecs(groups ?? [{ paths: ['weightData'], weights: specs }]);
  const saved = decodeWeights(fn, located, data, fileSizes ?? new Map([['weightData', data.byteLength]]));
  assignByName(fn, model.weights, saved, options.strict ?? true);
  return model;
}

export { KERAS_VERSION };
