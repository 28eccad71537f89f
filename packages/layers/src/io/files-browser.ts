import { InvalidArgumentError } from '@batchwise/core';
import { brief } from './brief.js';
import { loadArtifactsFromUrl } from './http/url-load.js';
import type * as NodeFiles from './files-node.js';

/*
 * What the main entry does with a path where there is no file system (the
 * `#files` import's "default" condition: browsers, workers, other runtimes).
 * A path to load is a URL relative to the page, as a link's href would be;
 * saving to a directory and checkpoints need Node, and say what works here.
 */

const PAGE_STORES = "save to 'indexeddb://<name>' or 'downloads://<name>'";

function base(): string | undefined {
  const href = (globalThis as { location?: { href?: unknown } }).location?.href;
  return typeof href === 'string' ? href : undefined;
}

export const loadArtifactsFromPath: typeof NodeFiles.loadArtifactsFromPath = async (fn, location, limits) => {
  const from = base();
  if (typeof location !== 'string' || location === '' || from === undefined) {
    throw new InvalidArgumentError(`${fn}: a model here must come from an absolute http(s) URL, 'indexeddb://<name>' or a handler (paths need Node's file system), received ${brief(location)}.`);
  }
  return loadArtifactsFromUrl(fn, new URL(location, from).href, limits);
};

export const saveArtifactsToDir: typeof NodeFiles.saveArtifactsToDir = async (dir) => {
  throw new InvalidArgumentError(`save: a directory path needs Node's file system; in a browser ${PAGE_STORES}, received ${brief(dir)}.`);
};

export const saveCheckpoint: typeof NodeFiles.saveCheckpoint = async (dir) => {
  throw new InvalidArgumentError(`saveCheckpoint: checkpoints are written to a directory, which needs Node's file system; in a browser ${PAGE_STORES} with model.save, received ${brief(dir)}.`);
};

export const loadCheckpoint: typeof NodeFiles.loadCheckpoint = async (dir) => {
  throw new InvalidArgumentError(`loadCheckpoint: checkpoints are read from a directory, which needs Node's file system, received ${brief(dir)}.`);
};
