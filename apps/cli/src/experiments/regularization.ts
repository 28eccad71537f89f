import { train } from '@batchwise/layers';
import { selectBackend } from '../cli/backend-setup.js';
import { loadImageData } from '../data/image-data.js';
import { buildModel, IMAGE_INPUT_SHAPE } from '../presets/build-model.js';
import type { LayerSpec } from '../presets/spec.js';
import { linePlot } from '../report/svg-plot.js';
import { batchCount } from '../training/batches.js';
import { addEpochFlags, pct, type Experiment } from './common.js';
import { runSteps } from './step-runner.js';

/*
 * Claim (paper section 3.4; the article's section 3.3): BN regularizes,
 * because each example is normalized with the statistics of a random
 * mini-batch, but only a little, so it is usually combined with dropout.
 * Measured as the train/test accuracy gap of one MLP on a small Fashion-MNIST
 * training set (small so that overfitting shows quickly): plain, with BN,
 * with dropout, with both. Train accuracy is measured in inference mode on
 * the whole training set, like test accuracy.
 */

export const REG_DEFAULTS = { epochs: 40, limit: 2000, batchSize: 64, learningRate: 1e-3, dropout: 0.5, units: 256 } as const;
const VARIANTS = ['plain', 'BN', 'dropout', 'BN + dropout'] as const;
type Variant = (typeof VARIANTS)[number];

function mlp(variant: Variant): LayerSpec[] {
  const bn = variant.includes('BN');
  const dropout = variant.includes('dropout');
  const layers: LayerSpec[] = [{ type: 'flatten' }];
  for (let i = 0; i < 2; i++) {
    if (bn) layers.push({ type: 'dense', units: REG_DEFAULTS.units, useBias: false }, { type: 'batchNormalization' }, { type: 'activation', activation: 'relu' });
    else layers.push({ type: 'dense', units: REG_DEFAULTS.units, activation: 'relu' });
    if (dropout) layers.push({ type: 'dropout', rate: REG_DEFAULTS.dropout });
  }
  layers.push({ type: 'dense', units: 10, activation: 'softmax' });
  return layers;
}

interface Point { epoch: number; train: number; test: number }

export const regularizationExperiment: Experiment = {
  name: 'regularization',
  description: 'train/test accuracy gap with BN, with dropout and with both (small Fashion-MNIST training set)',
  configure(cmd) {
    addEpochFlags(cmd, REG_DEFAULTS.epochs, REG_DEFAULTS.limit, `training examples (default ${REG_DEFAULTS.limit}; also caps the test set)`);
  },
  async run(o, out) {
    const backend = await selectBackend(o.backend);
    const trainData = loadImageData('fashion-mnist', 'train', o.limit);
    const testData = loadImageData('fashion-mnist', 'test', Math.max(o.limit!, 1000));
    const perEpoch = batchCount(trainData.labels.length, REG_DEFAULTS.batchSize);
    const curves = {} as Record<Variant, Point[]>;
    for (const variant of VARIANTS) {
      const model = buildModel(mlp(variant), IMAGE_INPUT_SHAPE, o.seed, `reg-${variant.replace(/\W+/g, '-')}`);
      model.compile({ optimizer: train.adam(REG_DEFAULTS.learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      const points: Point[] = [];
      const run = await runSteps(model, trainData.images, trainData.oneHot, {
        steps: o.epochs! * perEpoch, batchSize: REG_DEFAULTS.batchSize, evalEvery: perEpoch, seed: o.seed,
        evalData: [testData.images, testData.oneHot], label: variant,
        onEval: (step) => {
          const [, acc] = model.evaluate(trainData.images, trainData.oneHot, { batchSize: 500 }) as number[];
          points.push({ epoch: step / perEpoch, train: acc, test: Number.NaN });
        },
      }, out);
      run.curve.forEach((c, i) => (points[i].test = c.evalAccuracy));
      curves[variant] = points;
    }
    const last = (v: Variant) => curves[v][curves[v].length - 1];
    const gap = (v: Variant) => last(v).train - last(v).test;
    const byGap = [...VARIANTS].sort((a, b) => gap(a) - gap(b));
    const conclusion = [
      `Final train/test accuracy and gap: ${VARIANTS.map((v) => `${v} ${pct(last(v).train)}/${pct(last(v).test)} (gap ${pct(gap(v))})`).join('; ')}.`,
      `Smallest gap: ${byGap[0]}; largest: ${byGap[byGap.length - 1]}. Best test accuracy: ${[...VARIANTS].sort((a, b) => last(b).test - last(a).test)[0]}.`,
    ];
    conclusion.push(gap('BN') < gap('plain')
      ? `BN alone narrows the gap by ${pct(gap('plain') - gap('BN'))}: a regularizing effect, as claimed.`
      : `BN alone does not narrow the gap here (${pct(gap('BN'))} vs ${pct(gap('plain'))} without): against the claim that BN regularizes, at least on this small set.`);
    conclusion.push(gap('dropout') < gap('BN')
      ? 'Dropout narrows it more than BN does, in line with the article: BN\'s noise is small and not enough on its own.'
      : 'Here BN narrows the gap at least as much as dropout, which the article does not lead one to expect.');
    conclusion.push(gap('BN + dropout') <= Math.min(gap('BN'), gap('dropout'))
      ? 'Using both gives the smallest gap of the three regularized networks.'
      : 'Using both does not give the smallest gap: the two effects do not simply add up here.');
    // Binomial standard error of one test accuracy: gap differences within ~2 of these are noise of a single seed.
    const se = Math.sqrt((last('plain').test * (1 - last('plain').test)) / testData.labels.length);
    conclusion.push(`One seed, ${testData.labels.length} test images: each test accuracy has a standard error of about ${pct(se)}, so gap differences below about ${pct(2 * se)} are within noise.`);
    const mainPlot = linePlot(VARIANTS.map((v) => ({ name: v, points: curves[v].slice(1).map((p) => [p.epoch, p.train - p.test] as [number, number]) })), { title: 'Generalization gap', xLabel: 'epoch', yLabel: 'train acc - test acc', markers: true });
    return {
      title: 'Experiment: does Batch Norm regularize?',
      summary: `MLP 784-${REG_DEFAULTS.units}-${REG_DEFAULTS.units}-10 (ReLU), Adam lr ${REG_DEFAULTS.learningRate}, batch ${REG_DEFAULTS.batchSize}, on ${trainData.labels.length} Fashion-MNIST training images: plain, with BN, with dropout ${REG_DEFAULTS.dropout}, and with both.`,
      meta: [['backend', backend.name], ['seed', String(o.seed)], ['epochs', String(o.epochs)], ['train / test examples', `${trainData.labels.length} / ${testData.labels.length}`]],
      sections: [
        {
          heading: 'Train - test accuracy gap per epoch',
          plots: [
            mainPlot,
            linePlot(VARIANTS.flatMap((v, i) => [
              { name: `${v} train`, colorIndex: i, points: curves[v].map((p) => [p.epoch, p.train] as [number, number]) },
              { name: `${v} test`, colorIndex: i, dashed: true, points: curves[v].map((p) => [p.epoch, p.test] as [number, number]) },
            ]), { title: 'Accuracy (solid train, dashed test)', xLabel: 'epoch', yLabel: 'accuracy', height: 420 }),
          ],
          tables: [{ header: ['network', 'train accuracy', 'test accuracy', 'gap'], rows: VARIANTS.map((v) => [v, pct(last(v).train), pct(last(v).test), pct(gap(v))]) }],
        },
      ],
      mainPlot,
      conclusion,
      metrics: { curves, gaps: Object.fromEntries(VARIANTS.map((v) => [v, gap(v)])) },
    };
  },
};
