import { layers, train, type Layer } from '@batchwise/layers';
import { selectBackend } from '../cli/backend-setup.js';
import { loadImageData } from '../data/image-data.js';
import { buildModel, IMAGE_INPUT_SHAPE } from '../presets/index.js';
import { linePlot } from '../report/svg-plot.js';
import { batchCount } from '../training/batches.js';
import { parsePositiveInt } from '../cli/parse.js';
import { addEpochFlags, pct, type Experiment } from './common.js';
import { runSteps } from './step-runner.js';
import { accuracyStandardError, meanOf, stdOf, TAIL } from './summary-stats.js';

/*
 * Claim (paper section 3.4; the article's section 3.3): BN regularizes,
 * because each example is normalized with the statistics of a random
 * mini-batch, but only a little, so it is usually combined with dropout.
 * Measured as the train/test accuracy gap of one MLP on a small Fashion-MNIST
 * training set (small so that overfitting shows quickly): plain, with BN,
 * with dropout, with both. Train accuracy is measured in inference mode on
 * the whole training set, like test accuracy.
 */

export const REG_DEFAULTS = { epochs: 40, limit: 2000, batchSize: 64, learningRate: 1e-3, dropout: 0.5, units: 256, seeds: 3 } as const;
const VARIANTS = ['plain', 'BN', 'dropout', 'BN + dropout'] as const;
type Variant = (typeof VARIANTS)[number];

function mlp(variant: Variant): Layer[] {
  const bn = variant.includes('BN');
  const dropout = variant.includes('dropout');
  const stack: Layer[] = [layers.flatten()];
  for (let i = 0; i < 2; i++) {
    if (bn) stack.push(layers.dense({ units: REG_DEFAULTS.units, useBias: false }), layers.batchNormalization(), layers.activation({ activation: 'relu' }));
    else stack.push(layers.dense({ units: REG_DEFAULTS.units, activation: 'relu' }));
    if (dropout) stack.push(layers.dropout({ rate: REG_DEFAULTS.dropout }));
  }
  stack.push(layers.dense({ units: 10, activation: 'softmax' }));
  return stack;
}

interface Point { epoch: number; train: number; test: number }

export const regularizationExperiment: Experiment = {
  name: 'regularization',
  description: 'train/test accuracy gap with BN, with dropout and with both (small Fashion-MNIST training set)',
  configure(cmd) {
    addEpochFlags(cmd, REG_DEFAULTS.epochs, REG_DEFAULTS.limit, 'training examples; the test set has 5x as many, at most 10,000');
    cmd.option('--seeds <n>', 'repeat every network with seeds seed, seed+1, ... and average', parsePositiveInt, REG_DEFAULTS.seeds);
  },
  async run(o, out) {
    const nSeeds = (o as unknown as { seeds: number }).seeds;
    const backend = await selectBackend(o.backend);
    const trainData = loadImageData('fashion-mnist', 'train', o.limit);
    // Five test images per training image (all 10,000 at the default size): a tighter test accuracy than the gap differences it judges.
    const testData = loadImageData('fashion-mnist', 'test', Math.min(10_000, Math.max(1000, 5 * o.limit!)));
    const perEpoch = batchCount(trainData.labels.length, REG_DEFAULTS.batchSize);
    const bySeed = VARIANTS.map(() => [] as Point[][]);
    for (let k = 0; k < nSeeds; k++) {
      const seed = o.seed + k;
      for (const [vi, variant] of VARIANTS.entries()) {
        const model = buildModel(mlp(variant), IMAGE_INPUT_SHAPE, seed, `reg-${variant.replace(/\W+/g, '-')}`);
        model.compile({ optimizer: train.adam(REG_DEFAULTS.learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
        const points: Point[] = [];
        const run = await runSteps(model, trainData.images, trainData.oneHot, {
          steps: o.epochs! * perEpoch, batchSize: REG_DEFAULTS.batchSize, evalEvery: perEpoch, seed,
          evalData: [testData.images, testData.oneHot], label: `${variant}, seed ${seed}`,
          onEval: (step) => {
            const [, acc] = model.evaluate(trainData.images, trainData.oneHot, { batchSize: 500 }) as number[];
            points.push({ epoch: step / perEpoch, train: acc, test: Number.NaN });
          },
        }, out);
        run.curve.forEach((c, i) => (points[i].test = c.evalAccuracy));
        bySeed[vi].push(points);
      }
    }
    // Curves averaged over seeds, point by point (every seed evaluates at the same epochs).
    const curves = Object.fromEntries(VARIANTS.map((v, vi) => [v, bySeed[vi][0].map((p, i) => ({
      epoch: p.epoch,
      train: meanOf(bySeed[vi].map((c) => c[i].train)),
      test: meanOf(bySeed[vi].map((c) => c[i].test)),
    }))])) as Record<Variant, Point[]>;
    const finalGaps = (v: Variant) => bySeed[VARIANTS.indexOf(v)].map((c) => tailMean(c).train - tailMean(c).test);
    const last = (v: Variant) => tailMean(curves[v]);
    const gap = (v: Variant) => last(v).train - last(v).test;
    const gapStd = (v: Variant) => stdOf(finalGaps(v));
    // Binomial standard error of one test accuracy; with several seeds their spread is measured as well.
    const se = accuracyStandardError(last('plain').test, testData.labels.length);
    const noise = (a: Variant, b: Variant) => 2 * Math.max(Math.SQRT2 * se / Math.sqrt(nSeeds), Math.sqrt((gapStd(a) ** 2 + gapStd(b) ** 2) / nSeeds));
    const compare = (a: Variant, b: Variant) => (Math.abs(gap(a) - gap(b)) < noise(a, b) ? 0 : gap(a) < gap(b) ? -1 : 1);
    const byGap = [...VARIANTS].sort((a, b) => gap(a) - gap(b));
    const seedsText = nSeeds === 1 ? 'one seed' : `the mean of ${nSeeds} seeds`;
    const conclusion = [
      `Train/test accuracy and gap at the end (mean of the last ${TAIL} epochs, ${seedsText}): ${VARIANTS.map((v) => `${v} ${pct(last(v).train)}/${pct(last(v).test)} (gap ${pct(gap(v))}${nSeeds > 1 ? ` ± ${pct(gapStd(v))}` : ''})`).join('; ')}.`,
      `Smallest gap: ${byGap[0]}; largest: ${byGap[byGap.length - 1]}. Best test accuracy: ${[...VARIANTS].sort((a, b) => last(b).test - last(a).test)[0]}. A difference between two gaps counts only beyond ${pct(noise('plain', 'BN'))} (twice its standard error from the test-set size${nSeeds > 1 ? ' and the seed-to-seed spread' : ''}).`,
    ];
    const bnVsPlain = compare('BN', 'plain');
    conclusion.push(bnVsPlain < 0
      ? `BN alone narrows the gap by ${pct(gap('plain') - gap('BN'))}: a regularizing effect, as claimed.`
      : bnVsPlain === 0
        ? `BN alone leaves the gap where it was (${pct(gap('BN'))} vs ${pct(gap('plain'))} without, within noise): no measurable regularization, which disagrees with the claim at least on this small set. The article does say the effect is small.`
        : `BN alone WIDENS the gap (${pct(gap('BN'))} vs ${pct(gap('plain'))} without, beyond noise): against the claim that BN regularizes, at least on this small set.`);
    conclusion.push(compare('dropout', 'BN') < 0
      ? 'Dropout narrows it more than BN does, in line with the article: BN\'s noise is small and not enough on its own.'
      : 'Here dropout does not narrow the gap more than BN, which the article does not lead one to expect.');
    conclusion.push(compare('BN + dropout', 'dropout') < 0
      ? 'BN and dropout together give a smaller gap than dropout alone: the two add up, as the article suggests.'
      : `BN and dropout together do not beat dropout alone (gap ${pct(gap('BN + dropout'))} vs ${pct(gap('dropout'))}): here BN adds no regularization on top of dropout.`);
    const mainPlot = linePlot(VARIANTS.map((v) => ({ name: v, points: curves[v].slice(1).map((p) => [p.epoch, p.train - p.test] as [number, number]) })), { title: 'Generalization gap', xLabel: 'epoch', yLabel: 'train acc - test acc', markers: true });
    return {
      title: 'Experiment: does Batch Norm regularize?',
      summary: `MLP 784-${REG_DEFAULTS.units}-${REG_DEFAULTS.units}-10 (ReLU), Adam lr ${REG_DEFAULTS.learningRate}, batch ${REG_DEFAULTS.batchSize}, on ${trainData.labels.length} Fashion-MNIST training images: plain, with BN, with dropout ${REG_DEFAULTS.dropout}, and with both; ${seedsText}. Train accuracy is measured in inference mode on the whole training set.`,
      meta: [['backend', backend.name], ['seeds', Array.from({ length: nSeeds }, (_, k) => o.seed + k).join(', ')], ['epochs', String(o.epochs)], ['train / test examples', `${trainData.labels.length} / ${testData.labels.length}`]],
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
          tables: [{ header: ['network', 'train accuracy', 'test accuracy', 'gap', 'gap std over seeds'], rows: VARIANTS.map((v) => [v, pct(last(v).train), pct(last(v).test), pct(gap(v)), nSeeds > 1 ? pct(gapStd(v)) : '-']) }],
        },
      ],
      mainPlot,
      conclusion,
      metrics: { seeds: nSeeds, curves, gaps: Object.fromEntries(VARIANTS.map((v) => [v, gap(v)])), gapsBySeed: Object.fromEntries(VARIANTS.map((v) => [v, finalGaps(v)])), testStandardError: se },
    };
  },
};

/** The end of a run: the mean of its last TAIL epochs (see summary-stats.ts for why). */
function tailMean(points: readonly Point[]): Point {
  const tail = points.slice(1).slice(-TAIL);
  return { epoch: points[points.length - 1].epoch, train: meanOf(tail.map((p) => p.train)), test: meanOf(tail.map((p) => p.test)) };
}
