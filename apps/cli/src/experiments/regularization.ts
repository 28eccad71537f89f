import type { Tensor } from '@batchwise/core';
import { layers, train, type Layer } from '@batchwise/layers';
import { selectBackend } from '../cli/backend-setup.js';
import { loadImageData } from '../data/image-data.js';
import { buildModel, IMAGE_INPUT_SHAPE } from '../presets/index.js';
import { batchCount, sliceRows } from '../training/batches.js';
import { addEpochFlags, addInitializerFlag, addSeedsFlag, addSplitFlags, checkSeeds, seedList, seedsText, splitSeedOf, splitText, type Experiment } from './common.js';
import { correctness, packBits } from './correctness.js';
import { dense, INITIALIZER_TEXT, MNIST_PIXELS, type InitializerChoice } from './networks.js';
import { regularizationReport, REG_VARIANTS, type RegData, type RegRun, type RegVariant } from './regularization-report.js';
import { runSteps } from './step-runner.js';
import { UsageError } from '../cli/errors.js';

/*
 * Claim (paper section 3.4; the article's section 3.3): BN regularizes,
 * because each example is normalized with the statistics of a random
 * mini-batch, but only a little, so it is usually combined with dropout.
 * Measured as the train/test accuracy gap of one MLP on a small
 * Fashion-MNIST training set (small so that overfitting shows quickly):
 * plain, with BN, with dropout, with both, over several seeds. Train
 * accuracy is measured in inference mode on the whole training set, like
 * test accuracy. A validation set (other training-split images, never
 * trained on) picks each network's best epoch, so the verdict does not
 * rest on an arbitrary stopping point.
 */

export const REG_DEFAULTS = { epochs: 40, limit: 2000, batchSize: 64, learningRate: 1e-3, dropout: 0.5, units: 256, seeds: 5, initializer: 'glorot', testImages: 10_000 } as const;

function mlp(variant: RegVariant, init: InitializerChoice): Layer[] {
  const bn = variant.includes('BN');
  const dropout = variant.includes('dropout');
  const stack: Layer[] = [layers.flatten()];
  let fanIn = MNIST_PIXELS;
  for (let i = 0; i < 2; i++) {
    if (bn) stack.push(dense(REG_DEFAULTS.units, fanIn, init, { useBias: false }), layers.batchNormalization(), layers.activation({ activation: 'relu' }));
    else stack.push(dense(REG_DEFAULTS.units, fanIn, init, { activation: 'relu' }));
    if (dropout) stack.push(layers.dropout({ rate: REG_DEFAULTS.dropout }));
    fanIn = REG_DEFAULTS.units;
  }
  stack.push(dense(10, fanIn, init, { activation: 'softmax' }));
  return stack;
}

export const regularizationExperiment: Experiment<RegData> = {
  name: 'regularization',
  description: 'train/test accuracy gap with BN, with dropout and with both (small Fashion-MNIST training set), at the end and at each network\'s best-validation epoch',
  configure(cmd) {
    addEpochFlags(cmd, REG_DEFAULTS.epochs, REG_DEFAULTS.limit, 'training examples; as many other training-split images validate');
    addSeedsFlag(cmd, REG_DEFAULTS.seeds);
    addInitializerFlag(cmd, REG_DEFAULTS.initializer);
    addSplitFlags(cmd);
  },
  async run(o, out) {
    checkSeeds(o);
    const init = o.initializer as InitializerChoice;
    await selectBackend(o.backend);
    const splitSeed = splitSeedOf(o);
    const pool = loadImageData('fashion-mnist', 'train', 2 * o.limit!, splitSeed);
    if (pool.labels.length < 2 * o.limit!) throw new UsageError(`--limit must be at most half the training split (${Math.floor(pool.labels.length / 2)}), received ${o.limit}.`);
    const split = (t: Tensor, from: number) => sliceRows(t, from, from + o.limit!);
    const [trainX, trainY, valX, valY] = [split(pool.images, 0), split(pool.oneHot, 0), split(pool.images, o.limit!), split(pool.oneHot, o.limit!)];
    // Five test images per training image, all 10,000 at the default size: a tighter test accuracy than the gap differences it judges.
    const testData = loadImageData('fashion-mnist', 'test', Math.min(REG_DEFAULTS.testImages, 5 * o.limit!), splitSeed);
    const perEpoch = batchCount(o.limit!, REG_DEFAULTS.batchSize);
    const seeds = seedList(o);
    const runs = Object.fromEntries(REG_VARIANTS.map((v) => [v, [] as RegRun[]])) as Record<RegVariant, RegRun[]>;
    for (const seed of seeds) {
      for (const variant of REG_VARIANTS) {
        const model = buildModel(mlp(variant, init), IMAGE_INPUT_SHAPE, seed, `reg-${variant.replace(/\W+/g, '-')}`);
        model.compile({ optimizer: train.adam(REG_DEFAULTS.learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
        const r: RegRun = { seed, train: [], validation: [], test: [], bestCorrect: '', finalCorrect: '' };
        let bestValidation = -1;
        await runSteps(model, trainX, trainY, {
          steps: o.epochs! * perEpoch, batchSize: REG_DEFAULTS.batchSize, evalEvery: perEpoch, seed,
          // The step runner's own evaluation is on the validation set; train and test are read here.
          evalData: [valX, valY], label: `${variant}, seed ${seed}`,
          onEval: () => {
            const accuracy = (x: Tensor, y: Tensor) => (model.evaluate(x, y, { batchSize: 500 }) as number[])[1];
            const correct = correctness(model, testData.images, testData.labels);
            const validation = accuracy(valX, valY);
            r.train.push(accuracy(trainX, trainY));
            r.validation.push(validation);
            r.test.push(correct.reduce((a, b) => a + b, 0) / correct.length);
            // Earliest best: the first epoch that reaches the highest validation accuracy.
            if (r.validation.length > 1 && validation > bestValidation) {
              bestValidation = validation;
              r.bestCorrect = packBits(correct);
            }
            r.finalCorrect = packBits(correct);
          },
        }, out);
        runs[variant].push(r);
      }
    }
    return {
      data: { seeds, epochs: o.epochs!, testImages: testData.labels.length, runs },
      settings: [
        ['architecture', `MLP 784-${REG_DEFAULTS.units}-${REG_DEFAULTS.units}-10 (ReLU); BN: dense without bias -> BN -> ReLU; dropout ${REG_DEFAULTS.dropout} after each hidden layer`],
        ['optimizer', `Adam, ${o.epochs} epochs of ${perEpoch} batches`],
        ['learning rate', String(REG_DEFAULTS.learningRate)],
        ['batch size', String(REG_DEFAULTS.batchSize)],
        ['initializer', `${init} (${INITIALIZER_TEXT[init]})`],
        ['split', `${splitText(o, 'Fashion-MNIST', pool.labels.length, testData.labels.length)}; of the training images, the first ${o.limit} train and the next ${o.limit} validate`],
        ['seeds', `${seedsText(o)}: weights, batch order and dropout; every network uses the same seeds`],
      ],
    };
  },
  report: (raw) => regularizationReport(raw.data),
};
