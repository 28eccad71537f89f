/**
 * What the loaders know about each npm package, verified record by record
 * when this package was written (see README "Formats found"). The parser
 * re-checks all of it on every parse, so a changed package fails loudly.
 */

/** How one class file stores its pixels. */
export type PixelEncoding =
  /** `{"data":[...]}`: one flat array, 784 values per image, grey levels in [0, 1] rounded to 3 decimals (mnist). */
  | 'flat-unit'
  /** `{"data":[[...],...]}`: one array of 784 integers in 0..255 per image (fashion-mnist). */
  | 'nested-bytes';

export interface ImageSourceSpec {
  /** Cache file stem and dataset name in messages. */
  readonly id: string;
  /** Public loader name, used as the function in error messages. */
  readonly fn: string;
  readonly packageName: string;
  /** Folder of `0.json` .. `9.json` inside the package, one file per class. */
  readonly dir: string;
  readonly encoding: PixelEncoding;
  readonly classNames: readonly string[];
  /** Valid records expected per class file; a parse with other counts is an error. */
  readonly classCounts: readonly number[];
  /** The last `testPerClass` records of each class file (file order) form the test split. */
  readonly testPerClass: number;
}

export const IMAGE_HEIGHT = 28;
export const IMAGE_WIDTH = 28;
export const IMAGE_PIXELS = IMAGE_HEIGHT * IMAGE_WIDTH;
export const NUM_CLASSES = 10;

/** The 10,000 digits of the `mnist` package (not the official 60k/10k MNIST split). */
export const MNIST_SOURCE: ImageSourceSpec = {
  id: 'mnist',
  fn: 'loadMnist',
  packageName: 'mnist',
  dir: 'src/digits',
  encoding: 'flat-unit',
  classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  classCounts: [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978],
  // 200 per class is the largest equal share that leaves the test split at
  // 2,000 (20 %); the smallest class (5, 863 images) still keeps 663 for training.
  testPerClass: 200,
};

/** The 70,000 images of the `fashion-mnist` package, 7,000 per class. */
export const FASHION_MNIST_SOURCE: ImageSourceSpec = {
  id: 'fashion-mnist',
  fn: 'loadFashionMnist',
  packageName: 'fashion-mnist',
  dir: 'src/clothes',
  encoding: 'nested-bytes',
  // Class order of the Fashion-MNIST paper (Xiao et al. 2017); the files'
  // contents were checked by eye to match (README).
  classNames: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
  classCounts: [7000, 7000, 7000, 7000, 7000, 7000, 7000, 7000, 7000, 7000],
  testPerClass: 1000,
};
