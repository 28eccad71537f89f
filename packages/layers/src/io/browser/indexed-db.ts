import { InvalidArgumentError } from '@batchwise/core';
import { concatBuffers, type LoadHandler, type ModelArtifacts, type SaveHandler } from '../artifacts.js';
import { brief } from '../brief.js';
import { FileError } from '../file-error.js';

/*
 * Models in the browser's IndexedDB, in TensorFlow.js's own layout, so either
 * library loads what the other saved under `indexeddb://<name>`: database
 * 'tensorflowjs' version 1, object stores 'models_store' ({ modelPath,
 * modelArtifacts, modelArtifactsInfo }) and 'model_info_store' ({ modelPath,
 * modelArtifactsInfo }), both keyed by modelPath (tfjs-core io/indexed_db.ts).
 * tfjs writes the two stores in two transactions; one transaction over both
 * is the same layout and cannot leave an info record without its model.
 */

export const INDEXEDDB_SCHEME = 'indexeddb://';
const DATABASE = 'tensorflowjs';
const VERSION = 1;
const MODELS = 'models_store';
const INFO = 'model_info_store';

/* The few IndexedDB members used, typed here so the package needs no DOM typings. */
interface Request<T> { result: T; error: unknown; onsuccess: (() => void) | null; onerror: (() => void) | null }
interface OpenRequest extends Request<Database> { onupgradeneeded: (() => void) | null; onblocked: (() => void) | null }
interface Store { put(value: unknown): Request<unknown>; get(key: string): Request<unknown>; delete(key: string): Request<unknown> }
interface Transaction { objectStore(name: string): Store; oncomplete: (() => void) | null; onerror: (() => void) | null; onabort: (() => void) | null; error: unknown }
interface Database { createObjectStore(name: string, options: { keyPath: string }): void; transaction(stores: string[], mode: 'readonly' | 'readwrite'): Transaction; close(): void }
interface Factory { open(name: string, version: number): OpenRequest }

function factory(fn: string): Factory {
  const f = (globalThis as { indexedDB?: Factory }).indexedDB;
  if (!f) throw new InvalidArgumentError(`${fn}: ${INDEXEDDB_SCHEME} needs IndexedDB, which a browser page or worker has, received a runtime without it.`);
  return f;
}

function checkName(fn: string, name: string): string {
  if (typeof name !== 'string' || name.length === 0) throw new InvalidArgumentError(`${fn}: the IndexedDB model name must be a non-empty string, received ${brief(name)}.`);
  return name;
}

function failure(fn: string, doing: string, name: string, error: unknown): FileError {
  const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new FileError(`${fn}: cannot ${doing} ${INDEXEDDB_SCHEME}${name}: ${why}.`, `${INDEXEDDB_SCHEME}${name}`, undefined);
}

function open(fn: string, name: string): Promise<Database> {
  return new Promise((resolve, reject) => {
    const request = factory(fn).open(DATABASE, VERSION);
    request.onupgradeneeded = () => {
      request.result.createObjectStore(MODELS, { keyPath: 'modelPath' });
      request.result.createObjectStore(INFO, { keyPath: 'modelPath' });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(failure(fn, 'open the IndexedDB database of', name, request.error));
    request.onblocked = () => reject(failure(fn, 'open the IndexedDB database of', name, 'another tab holds an older version of the database open'));
  });
}

/** UTF-8 length, as tfjs's stringByteLength. */
const utf8Bytes = (s: string): number => new TextEncoder().encode(s).byteLength;

/** tfjs's ModelArtifactsInfo, stored beside every model (tfjs's listModels reads it). */
function artifactsInfo(a: ModelArtifacts, weightData: ArrayBuffer) {
  return {
    dateSaved: new Date(),
    modelTopologyType: 'JSON',
    modelTopologyBytes: utf8Bytes(JSON.stringify(a.modelTopology)),
    weightSpecsBytes: a.weightSpecs ? utf8Bytes(JSON.stringify(a.weightSpecs)) : 0,
    weightDataBytes: weightData.byteLength,
  };
}

/** Writes the artifacts under `name` (replacing a model of that name). */
export async function saveToIndexedDB(name: string, artifacts: ModelArtifacts): Promise<void> {
  const fn = 'save';
  checkName(fn, name);
  const weightData = concatBuffers(artifacts.weightData ?? new ArrayBuffer(0));
  const stored = { ...artifacts, weightData };
  const info = artifactsInfo(artifacts, weightData);
  const db = await open(fn, name);
  try {
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction([INFO, MODELS], 'readwrite');
      tx.oncomplete = () => resolve();
      tx.onerror = tx.onabort = () => reject(failure(fn, 'write', name, tx.error));
      tx.objectStore(INFO).put({ modelPath: name, modelArtifactsInfo: info });
      tx.objectStore(MODELS).put({ modelPath: name, modelArtifacts: stored, modelArtifactsInfo: info });
    });
  } finally {
    db.close();
  }
}

/** Reads the artifacts saved under `name`. */
export async function loadFromIndexedDB(name: string): Promise<ModelArtifacts> {
  const fn = 'loadLayersModel';
  checkName(fn, name);
  const db = await open(fn, name);
  try {
    const record = await new Promise<unknown>((resolve, reject) => {
      const request = db.transaction([MODELS], 'readonly').objectStore(MODELS).get(name);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(failure(fn, 'read', name, request.error));
    });
    const artifacts = (record as { modelArtifacts?: ModelArtifacts } | undefined)?.modelArtifacts;
    if (!artifacts || typeof artifacts !== 'object') {
      throw new FileError(`${fn}: ${INDEXEDDB_SCHEME}${name} must name a saved model, received a name with no model in IndexedDB (database '${DATABASE}').`, `${INDEXEDDB_SCHEME}${name}`, 'ENOENT');
    }
    return artifacts;
  } finally {
    db.close();
  }
}

/** A handler for `model.save` / `loadLayersModel`, as tfjs's `io.browserIndexedDB(name)`. */
export function indexedDBHandler(name: string): SaveHandler & LoadHandler {
  checkName('io.indexedDB', name);
  return { save: (a) => saveToIndexedDB(name, a), load: () => loadFromIndexedDB(name) };
}
