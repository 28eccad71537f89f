import { InvalidArgumentError, assertNonNegativeInt, describeValue } from '@batchwise/core';
import { MODEL_LIMITS } from '../engine/parameter-budget.js';
import { brief, escapeControl } from './brief.js';
import type { LayersModel } from '../models/layers-model.js';
import { checkMaxParameters, modelFromArtifacts, modelToArtifacts, type LoadHandler, type LoadOptions, type ModelArtifacts, type SaveHandler } from './artifacts.js';
import { DOWNLOADS_SCHEME, saveAsDownloads } from './browser/downloads.js';
import { INDEXEDDB_SCHEME, loadFromIndexedDB, saveToIndexedDB } from './browser/indexed-db.js';
import { isHttpUrl, loadArtifactsFromUrl } from './http/url-load.js';

/*
 * Where a string sends a model, as in tfjs: 'indexeddb://<name>',
 * 'downloads://<prefix>' (save only) and 'http(s)://.../model.json' (load
 * only) everywhere they can work; any other string is a path, handled by the
 * `#files` import: the file system on Node, a URL relative to the page in a
 * browser (package.json "imports" picks the module by condition).
 */

/** Where a model goes: a directory (Node), 'indexeddb://<name>', 'downloads://<prefix>' (a page), or a handler with save(artifacts) such as tfjs `io.withSaveHandler`. */
export type SaveTarget = string | SaveHandler;
/** Where a model comes from: a directory or model.json path (Node; in a browser, a URL relative to the page), an http(s) URL of a model.json, 'indexeddb://<name>', a handler with load(), or artifacts. */
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
    if (target.startsWith(INDEXEDDB_SCHEME)) {
      await saveToIndexedDB(target.slice(INDEXEDDB_SCHEME.length), artifacts);
      return { artifacts };
    }
    if (target.startsWith(DOWNLOADS_SCHEME)) return { artifacts, files: await saveAsDownloads(target.slice(DOWNLOADS_SCHEME.length), artifacts) };
    if (isHttpUrl(target)) {
      throw new InvalidArgumentError(`save: target must be a directory, '${INDEXEDDB_SCHEME}<name>' or '${DOWNLOADS_SCHEME}<prefix>' (saving over HTTP is not supported), received ${brief(target)}.`);
    }
    const { saveArtifactsToDir } = await import('#files');
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
 * `loadLayersModel('dir/model.json')` (Node), `loadLayersModel('https://.../model.json')`
 * (weights fetched from beside it), `loadLayersModel('indexeddb://name')`,
 * a tfjs IOHandler, or artifacts.
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
    if (source.startsWith(INDEXEDDB_SCHEME)) {
      checkMaxParameters(fn, options);
      return modelFromArtifacts(fn, await loadFromIndexedDB(source.slice(INDEXEDDB_SCHEME.length)), options);
    }
    if (source.startsWith(DOWNLOADS_SCHEME)) {
      throw new InvalidArgumentError(`${fn}: source must not be '${DOWNLOADS_SCHEME}...' (downloads are save-only; load the saved model.json by its URL or path), received ${brief(source)}.`);
    }
    const limits = fileLimits(fn, options);
    const { artifacts, groups, fileSizes } = isHttpUrl(source)
      ? await loadArtifactsFromUrl(fn, source, limits)
      : await (await import('#files')).loadArtifactsFromPath(fn, source, limits);
    return modelFromArtifacts(fn, artifacts, options, groups, fileSizes);
  }
  if (source !== null && typeof source === 'object' && typeof (source as LoadHandler).load === 'function') {
    return modelFromArtifacts(fn, await (source as LoadHandler).load(), options);
  }
  if (source !== null && typeof source === 'object' && 'modelTopology' in source) {
    return modelFromArtifacts(fn, source as ModelArtifacts, options);
  }
  throw new InvalidArgumentError(`${fn}: source must be a path, a URL, an object with load() or model artifacts, received ${describeValue(source)}.`);
}

export { modelToArtifacts, modelFromArtifacts, type LoadHandler, type LoadOptions, type ModelArtifacts, type SaveHandler };
