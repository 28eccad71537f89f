import { InvalidArgumentError, assertNonNegativeInt, describeValue } from '@batchwise/core';
import { MODEL_LIMITS } from '../engine/parameter-budget.js';
import { escapeControl } from './brief.js';
import type { LayersModel } from '../models/layers-model.js';
import { checkMaxParameters, modelFromArtifacts, modelToArtifacts, type LoadHandler, type LoadOptions, type ModelArtifacts, type SaveHandler } from './artifacts.js';

/** Where a model goes: a directory (Node), or a handler with save(artifacts) such as tfjs `io.withSaveHandler`. */
export type SaveTarget = string | SaveHandler;
/** Where a model comes from: a directory or model.json path (Node), a handler with load(), or artifacts. */
export type LoadSource = string | LoadHandler | ModelArtifacts;

export interface SaveResult {
  /** The artifacts that were written. */
  artifacts: ModelArtifacts;
  /** Files written, when saving to disk. */
  files?: { modelJson: string; weights: string };
}

export async function saveModel(model: LayersModel, target: SaveTarget): Promise<SaveResult> {
  const artifacts = modelToArtifacts(model);
  if (typeof target === 'string') {
    const { saveArtifactsToDir } = await import('./node/model-dir-save.js');
    return { artifacts, files: await saveArtifactsToDir(target, artifacts) };
  }
  if (target !== null && typeof target === 'object' && typeof target.save === 'function') {
    await target.save(artifacts);
    return { artifacts };
  }
  throw new InvalidArgumentError(`save: target must be a directory path or an object with save(artifacts), received ${describeValue(target)}.`);
}

function fileLimits(fn: string, options: LoadOptions) {
  const maxModelJsonBytes = options.maxModelJsonBytes ?? MODEL_LIMITS.maxModelJsonBytes;
  assertNonNegativeInt(fn, 'maxModelJsonBytes', maxModelJsonBytes);
  return { maxParameters: checkMaxParameters(fn, options), maxModelJsonBytes };
}

/**
 * Loads a TensorFlow.js Layers model: `loadLayersModel('dir')`,
 * `loadLayersModel('dir/model.json')`, a tfjs IOHandler, or artifacts.
 * Weights are matched by name; mismatches are listed with their shapes.
 * From disk, only files inside the model's directory are read, within the
 * limits of `options` (defaults in MODEL_LIMITS; README, "Safety").
 */
export async function loadLayersModel(source: LoadSource, options: LoadOptions = {}): Promise<LayersModel> {
  try {
    return await load(source, options);
  } catch (e) {
    // Names and values quoted from the file may hold line breaks; an error stays one line.
    if (e instanceof Error) e.message = escapeControl(e.message);
    throw e;
  }
}

async function load(source: LoadSource, options: LoadOptions): Promise<LayersModel> {
  const fn = 'loadLayersModel';
  if (typeof source === 'string') {
    const { loadArtifactsFromPath } = await import('./node/model-dir-load.js');
    const { artifacts, groups, fileSizes } = await loadArtifactsFromPath(fn, source, fileLimits(fn, options));
    return modelFromArtifacts(fn, artifacts, options, groups, fileSizes);
  }
  if (source !== null && typeof source === 'object' && typeof (source as LoadHandler).load === 'function') {
    return modelFromArtifacts(fn, await (source as LoadHandler).load(), options);
  }
  if (source !== null && typeof source === 'object' && 'modelTopology' in source) {
    return modelFromArtifacts(fn, source as ModelArtifacts, options);
  }
  throw new InvalidArgumentError(`${fn}: source must be a path, an object with load() or model artifacts, received ${describeValue(source)}.`);
}

export { modelToArtifacts, modelFromArtifacts, type LoadHandler, type LoadOptions, type ModelArtifacts, type SaveHandler };
