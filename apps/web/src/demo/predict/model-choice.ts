import { DIGIT_CLASSES, FASHION_CLASSES } from '../../shared/image-file.js';

/* The networks the page can ask, and what each is fed and answers in. */

export type ModelKey = 'digits' | 'clothes' | 'saved' | 'url';

/** Where part 2 saves its network with BN, and part 1 loads it from. */
export const SAVED_MODEL = 'indexeddb://batchwise-demo-bn';

export interface ModelChoice {
  /** What loadLayersModel is given: a URL relative to the page, an indexeddb:// name, or the URL typed in. */
  source: (url: string) => string;
  /** The image set test images are picked from. */
  images: 'mnist-test' | 'fashion-test';
  classes: readonly string[];
  label: string;
}

export const MODEL_CHOICES: Record<ModelKey, ModelChoice> = {
  digits: { source: () => 'models/digits/model.json', images: 'mnist-test', classes: DIGIT_CLASSES, label: 'the digits network' },
  clothes: { source: () => 'models/clothes/model.json', images: 'fashion-test', classes: FASHION_CLASSES, label: 'the clothes network' },
  saved: { source: () => SAVED_MODEL, images: 'fashion-test', classes: FASHION_CLASSES, label: 'your saved network' },
  url: { source: (url) => url, images: 'fashion-test', classes: FASHION_CLASSES, label: 'the network from the URL' },
};
