import type { Tensor } from '@batchwise/core';
import { CACHE_DIR_ENV, DatasetFormatError, DEFAULT_CACHE_DIR, loadFashionMnist, loadMnist, type ImageDataset } from '@batchwise/datasets';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CliError, oneLine } from '../cli/errors.js';

/*
 * The image datasets the CLI trains on. `--limit n` means "at most n": a
 * limit above the split's size uses the whole split rather than failing, so
 * `--limit 100000` is a harmless way to say "all".
 */

export type DatasetName = 'fashion-mnist' | 'mnist';
export const DATASET_NAMES: readonly DatasetName[] = ['fashion-mnist', 'mnist'];
export type Split = 'train' | 'test';

export interface ImageData {
  /** [n, 28, 28, 1] in [0, 1]. */
  images: Tensor;
  /** [n, 10] one-hot. */
  oneHot: Tensor;
  labels: Int32Array;
  classNames: readonly string[];
}

function loader(name: DatasetName): (o: { split: Split; limit?: number }) => ImageDataset {
  return name === 'mnist' ? loadMnist : loadFashionMnist;
}

/** `splitSeed`: a stratified random split (see @batchwise/datasets); without it the file-order split. */
export function loadImageData(name: DatasetName, split: Split, limit?: number, splitSeed?: number): ImageData {
  const load = loader(name);
  const seeded = splitSeed === undefined ? {} : { splitSeed };
  let ds: ImageDataset;
  try {
    try {
      ds = load(limit === undefined ? { split, ...seeded } : { split, limit, ...seeded });
    } catch (e) {
      // Only a too-large limit is retried (as "all of it"); anything else is real.
      if (limit === undefined || !/limit must be in/.test(oneLine(e))) throw e;
      ds = load({ split, ...seeded });
    }
  } catch (e) {
    if (e instanceof DatasetFormatError) throw new CliError(`${name}: corrupt data in ${e.file}: ${oneLine(e)}`);
    throw new CliError(`${name}: cannot load the ${split} split: ${oneLine(e)}`);
  }
  return { images: ds.images, oneHot: ds.oneHot, labels: ds.labels, classNames: ds.classNames };
}

/**
 * True when the dataset's binary cache exists: `<dataset>.bin` in
 * `$BATCHWISE_CACHE_DIR`, else in @batchwise/datasets' default folder (its
 * README's rule). Without it, the first load parses the JSON and writes the
 * cache, which takes seconds rather than milliseconds.
 */
export function isDatasetCached(name: DatasetName): boolean {
  const dir = process.env[CACHE_DIR_ENV] || DEFAULT_CACHE_DIR;
  return existsSync(join(dir, `${name}.bin`));
}

/** The status line shown before a first load, or null when the cache is there. */
export function firstLoadNotice(name: DatasetName): string | null {
  return isDatasetCached(name) ? null : `first use of ${name}: parsing it into a binary cache (a few seconds; later runs read the cache)...`;
}
