export { DatasetFormatError, CsvFormatError, type CsvProblem } from './errors.js';
export { loadMnist, loadFashionMnist } from './mnist-loaders.js';
export {
  IMAGE_LOAD_DEFAULTS,
  type LoadImageOptions,
  type ImageDataset,
  type CacheReport,
} from './load-image-dataset.js';
export type { ImageSplit } from './split.js';
export { MNIST_SOURCE, FASHION_MNIST_SOURCE, type ImageSourceSpec, type PixelEncoding } from './image-sources.js';
export { CACHE_DIR_ENV, DEFAULT_CACHE_DIR } from './cache-dir.js';
export { CACHE_FORMAT_VERSION } from './image-cache.js';
export { oneHot } from './one-hot.js';
export { parseCsv, loadCsv, CSV_DEFAULTS, type CsvOptions, type CsvDataset } from './csv-loader.js';
export { tokenizeCsv, type CsvRecord } from './csv-tokenize.js';
export { parseDecimal, float32FieldProblem, quoted, FLOAT32_MAX } from './decimal.js';
export type { TabularDataset } from './tabular.js';
export { carRental, carRentalPrice, CAR_RENTAL_DEFAULTS, CAR_AGE_MAX_YEARS, CAR_KM_MAX, type CarRentalOptions } from './car-rental.js';
export { batches, takeRows, shuffledIndices, type BatchOptions } from './batches.js';
