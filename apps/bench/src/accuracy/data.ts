import { makeTensor, type Tensor } from '@batchwise/core';
import { loadFashionMnist, oneHot } from '@batchwise/datasets';
import { CNN_BN_TRAINING } from '../models/specs.js';
import type { AccuracySettings } from './settings.js';

/*
 * The data of the time-to-accuracy runs, loaded once with
 * @batchwise/datasets: the first 90 % of Fashion-MNIST's training split (fit's
 * validationSplit holds out the last rows, as `batchwise train` does) and the
 * test split. The same arrays go to the PyTorch child.
 */

export interface AccuracyData {
  trainX: Tensor;
  trainY: Tensor;
  trainLabels: Int32Array;
  testX: Tensor;
  testY: Tensor;
  testLabels: Int32Array;
}

const CLASSES = 10;

export function loadAccuracyData(s: AccuracySettings): AccuracyData {
  const train = loadFashionMnist({ split: 'train' });
  const test = loadFashionMnist({ split: 'test', ...(s.testLimit ? { limit: s.testLimit } : {}) });
  const held = Math.floor(train.labels.length * (1 - CNN_BN_TRAINING.validationSplit));
  const n = Math.min(s.trainLimit ?? held, held);
  const pixels = train.images.shape.slice(1).reduce((a, b) => a * b, 1);
  const trainLabels = train.labels.slice(0, n);
  return {
    trainX: makeTensor(train.images.data.slice(0, n * pixels), [n, ...train.images.shape.slice(1)]),
    trainY: oneHot(trainLabels, CLASSES),
    trainLabels,
    testX: test.images,
    testY: test.oneHot,
    testLabels: test.labels,
  };
}
