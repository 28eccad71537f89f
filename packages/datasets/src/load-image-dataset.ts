import { assertBoolean, assertOneOf, assertPositiveInt, describeValue, InvalidArgumentError, Tensor } from '@batchwise/core';
import { dirname, join } from 'node:path';
import { sweepStaleTemporaries } from './atomic-write.js';
import { resolveCacheDir } from './cache-dir.js';
import { readImageCache, writeImageCache } from './image-cache.js';
import { IMAGE_HEIGHT, IMAGE_PIXELS, IMAGE_WIDTH, NUM_CLASSES, type ImageSourceSpec } from './image-sources.js';
import { oneHot } from './one-hot.js';
import { checkOptions, checkString } from './options.js';
import { readImageSource, sourceFingerprint, type ImageSourceData } from './read-image-source.js';
import { splitIndices, type ImageSplit } from './split.js';

export interface LoadImageOptions {
  /** Which split; default `'train'`. */
  split?: ImageSplit;
  /** Keep only the first `limit` examples of the split (its order is class-interleaved). Default: all. */
  limit?: number;
  /** Cache folder; default `$BATCHWISE_CACHE_DIR`, else `node_modules/.cache/batchwise` in this package. */
  cacheDir?: string;
  /** Read and write the binary cache; default `true`. `false` parses the JSON every time. */
  cache?: boolean;
  /**
   * Split at random, stratified by class, with this seed; default: the
   * file-order split (see {@link splitIndices}). The same seed gives the
   * same split for `train` and `test`, which never overlap.
   */
  splitSeed?: number;
}

/** Defaults of {@link LoadImageOptions}, used by the code and quoted by the docs. */
export const IMAGE_LOAD_DEFAULTS = { split: 'train', cache: true } as const satisfies LoadImageOptions;

/** What happened with the cache on this load. */
export interface CacheReport {
  /**
   * `hit`: read from the cache. `built`: no cache yet, parsed and written.
   * `rebuilt-corrupt` / `rebuilt-stale`: the cache was damaged / from another
   * source or format version, so it was parsed and rewritten. `write-failed`:
   * parsed, but the cache could not be written (`reason` says why; the load
   * still succeeds). `disabled`: `cache: false`.
   */
  status: 'hit' | 'built' | 'rebuilt-corrupt' | 'rebuilt-stale' | 'write-failed' | 'disabled';
  /** The cache file, or null when disabled. */
  path: string | null;
  reason?: string;
}

export interface ImageDataset {
  /** `[n, 28, 28, 1]` float32 NHWC, grey level k/255 in [0, 1]. */
  images: Tensor;
  /** Class of each image, 0..9. */
  labels: Int32Array;
  /** `[n, 10]` float32 one-hot labels. */
  oneHot: Tensor;
  /** Name of each class index. */
  classNames: readonly string[];
  /** Position of each example in the source (class files 0..9, records in file order, empty records skipped). */
  sourceIndices: Int32Array;
  cache: CacheReport;
}

const OPTION_KEYS = ['split', 'limit', 'cacheDir', 'cache', 'splitSeed'] as const;
const SPLITS: readonly ImageSplit[] = ['train', 'test'];

/** Shared body of `loadMnist` and `loadFashionMnist`. */
export function loadImageDataset(spec: ImageSourceSpec, options?: LoadImageOptions): ImageDataset {
  const fn = spec.fn;
  const o = checkOptions(fn, options, OPTION_KEYS);
  const split = o.split ?? IMAGE_LOAD_DEFAULTS.split;
  assertOneOf(fn, 'split', split, SPLITS);
  const useCache = o.cache ?? IMAGE_LOAD_DEFAULTS.cache;
  assertBoolean(fn, 'cache', useCache);
  if (o.cacheDir !== undefined) checkString(fn, 'cacheDir', o.cacheDir);
  if (o.limit !== undefined) assertPositiveInt(fn, 'limit', o.limit);
  if (o.splitSeed !== undefined && !Number.isSafeInteger(o.splitSeed)) {
    throw new InvalidArgumentError(`${fn}: splitSeed must be an integer, received ${describeValue(o.splitSeed)}.`);
  }

  const { data, cache } = useCache
    ? loadCached(spec, join(resolveCacheDir(o.cacheDir as string | undefined), `${spec.id}.bin`))
    : { data: readImageSource(spec), cache: { status: 'disabled', path: null } as CacheReport };

  let indices = splitIndices(data.labels, spec.testPerClass, split, o.splitSeed as number | undefined);
  if (o.limit !== undefined) {
    if (o.limit > indices.length) {
      throw new InvalidArgumentError(`${fn}: limit must be in [1, ${indices.length}] for split '${split}', received ${o.limit}.`);
    }
    indices = indices.subarray(0, o.limit);
  }
  return { ...gather(data, indices), classNames: spec.classNames, sourceIndices: indices.slice(), cache };
}

function loadCached(spec: ImageSourceSpec, path: string): { data: ImageSourceData; cache: CacheReport } {
  // Every load, not only on a rebuild: a cache that hits forever would otherwise keep a dead writer's temporary forever.
  sweepStaleTemporaries(dirname(path));
  const fingerprint = sourceFingerprint(spec);
  const read = readImageCache(path, fingerprint);
  if (read.status === 'hit') return { data: read.data, cache: { status: 'hit', path } };
  const data = readImageSource(spec);
  const cache: CacheReport =
    read.status === 'missing'
      ? { status: 'built', path }
      : read.status === 'stale'
        ? { status: 'rebuilt-stale', path }
        : { status: 'rebuilt-corrupt', path, reason: read.reason };
  try {
    writeImageCache(path, fingerprint, data);
  } catch (e) {
    return { data, cache: { status: 'write-failed', path, reason: (e as Error).message } };
  }
  return { data, cache };
}

// k/255 for every grey level, computed once (float64 division, then rounded to float32).
const GREY = Float32Array.from({ length: 256 }, (_, k) => k / 255);

function gather(data: ImageSourceData, indices: Int32Array): Pick<ImageDataset, 'images' | 'labels' | 'oneHot'> {
  const n = indices.length;
  const images = new Float32Array(n * IMAGE_PIXELS);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const src = indices[i] * IMAGE_PIXELS;
    const dst = i * IMAGE_PIXELS;
    for (let p = 0; p < IMAGE_PIXELS; p++) images[dst + p] = GREY[data.pixels[src + p]];
    labels[i] = data.labels[indices[i]];
  }
  return {
    images: new Tensor(images, [n, IMAGE_HEIGHT, IMAGE_WIDTH, 1]),
    labels,
    oneHot: oneHot(labels, NUM_CLASSES),
  };
}
