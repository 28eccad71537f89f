import { Tensor } from '@batchwise/core';
import { carRental } from '@batchwise/datasets';
import { layers, minMaxScaler, standardScaler, train, type Layer } from '@batchwise/layers';
import { selectBackend } from '../cli/backend-setup.js';
import { parsePositiveNumber } from '../cli/parse.js';
import { buildModel } from '../presets/index.js';
import { formatNumber } from '../report/html-escape.js';
import { linePlot } from '../report/svg-plot.js';
import { batchCount, sliceRows } from '../training/batches.js';
import { addEpochFlags, type Experiment } from './common.js';
import { runSteps, type StepRun } from './step-runner.js';

/*
 * Claim (the article's section 2): inputs on very different scales (car age
 * 0-30 years, mileage 0-300,000 km) make a network hard to train, up to
 * exploding gradients; min-max scaling or standardization fixes it. Same
 * regression MLP, same SGD, on raw, min-max scaled and standardized inputs.
 * Scaling statistics come from the training rows only, as they must. The
 * price target is standardized in all three runs (a 17-90 EUR target kills
 * ReLU units under plain SGD whatever the inputs), so only the inputs differ;
 * errors are reported back in euros. A fourth run feeds the raw inputs to
 * a BatchNormalization layer first: the article's intuition that BN does
 * inside the network what input normalization does outside it.
 */

export const SCALING_DEFAULTS = { epochs: 100, cars: 1000, batchSize: 32, learningRate: 0.01, testFraction: 0.2 } as const;
const VARIANTS = ['raw', 'min-max', 'standardized', 'raw + BN layer'] as const;
type Variant = (typeof VARIANTS)[number];

const regressor = (): Layer[] => [layers.dense({ units: 16, activation: 'relu' }), layers.dense({ units: 16, activation: 'relu' }), layers.dense({ units: 1 })];

function scaled(variant: Variant, trainX: Tensor, testX: Tensor): [Tensor, Tensor] {
  if (variant === 'raw' || variant === 'raw + BN layer') return [trainX, testX];
  // Fitted on the training rows only, then applied to both.
  const scaler = (variant === 'min-max' ? minMaxScaler() : standardScaler()).fit(trainX);
  return [scaler.transform(trainX), scaler.transform(testX)];
}


export const inputScalingExperiment: Experiment = {
  name: 'input-scaling',
  description: 'car-rental price regression on raw, min-max scaled and standardized inputs, and raw inputs into a BN layer (the article, section 2)',
  configure(cmd) {
    addEpochFlags(cmd, SCALING_DEFAULTS.epochs, SCALING_DEFAULTS.cars, 'number of generated cars');
    cmd.option('--lr <rate>', 'SGD learning rate for all three', parsePositiveNumber, SCALING_DEFAULTS.learningRate);
  },
  async run(o, out) {
    const lr = (o as unknown as { lr: number }).lr;
    const backend = await selectBackend(o.backend);
    const data = carRental({ n: Math.max(10, o.limit!), seed: o.seed });
    const n = data.features.shape[0];
    const nTrain = n - Math.max(1, Math.round(n * SCALING_DEFAULTS.testFraction));
    const trainX = sliceRows(data.features, 0, nTrain);
    const testX = sliceRows(data.features, nTrain, n);
    const priceScaler = standardScaler().fit(sliceRows(data.target, 0, nTrain));
    const priceStd = Math.sqrt(priceScaler.variance![0]);
    const trainY = priceScaler.transform(sliceRows(data.target, 0, nTrain));
    const testY = priceScaler.transform(sliceRows(data.target, nTrain, n));
    const perEpoch = batchCount(nTrain, SCALING_DEFAULTS.batchSize);
    // MSE on the standardized price back to an RMSE in euros.
    const rmse = (mse: number) => Math.sqrt(mse) * priceStd;
    const runs = {} as Record<Variant, StepRun>;
    for (const variant of VARIANTS) {
      const [x, tx] = scaled(variant, trainX, testX);
      const stack = variant === 'raw + BN layer' ? [layers.batchNormalization(), ...regressor()] : regressor();
      const model = buildModel(stack, [2], o.seed, `scaling-${variant.replace(/\W+/g, '-')}`);
      model.compile({ optimizer: train.sgd(lr), loss: 'meanSquaredError' });
      runs[variant] = await runSteps(model, x, trainY, {
        steps: o.epochs! * perEpoch, batchSize: SCALING_DEFAULTS.batchSize, evalEvery: perEpoch, seed: o.seed,
        evalData: [tx, testY], label: `${variant} inputs`,
      }, out);
    }
    const finalRmse = (v: Variant) => {
      const r = runs[v];
      return r.divergedAt !== null ? Number.NaN : rmse(r.curve[r.curve.length - 1].evalLoss);
    };
    // Predicting the training mean (0 after standardization) for every test car.
    const baseline = rmse(testY.data.reduce((a, y) => a + y * y, 0) / testY.shape[0]);
    const conclusion: string[] = [];
    for (const v of VARIANTS) {
      const r = runs[v];
      conclusion.push(r.divergedAt !== null
        ? `${v} inputs: the loss became non-finite at step ${r.divergedAt} (epoch ${Math.ceil(r.divergedAt / perEpoch)}): exploding gradients.`
        : `${v} inputs: test RMSE ${formatNumber(finalRmse(v), 3)} EUR after ${o.epochs} epochs${finalRmse(v) > 0.9 * baseline ? ` (no better than predicting the mean, ${formatNumber(baseline, 3)} EUR: it did not learn)` : ''}.`);
    }
    const rawBad = runs.raw.divergedAt !== null || finalRmse('raw') > 0.9 * baseline;
    const scaledGood = (['min-max', 'standardized'] as const).filter((v) => runs[v].divergedAt === null && finalRmse(v) < 0.5 * baseline);
    conclusion.push(rawBad && scaledGood.length > 0
      ? `This agrees with the article: on raw inputs (km is 10,000 times larger than age) the network fails, while ${scaledGood.join(' and ')} inputs train well with the same learning rate.`
      : `This run does not fully match the article's claim: raw inputs ${rawBad ? 'fail' : 'train'}, and ${scaledGood.length ? scaledGood.join(' and ') : 'neither scaling'} reaches half the error of predicting the mean.`);
    const bnRun = runs['raw + BN layer'];
    const bnGood = bnRun.divergedAt === null && finalRmse('raw + BN layer') < 0.5 * baseline;
    conclusion.push(bnGood
      ? `A BatchNormalization layer on the raw inputs also trains (test RMSE ${formatNumber(finalRmse('raw + BN layer'), 3)} EUR): normalizing inside the network does the job of normalizing the data, as the article's intuition for BN says.`
      : `A BatchNormalization layer on the raw inputs does not rescue training here (${bnRun.divergedAt !== null ? `diverged at step ${bnRun.divergedAt}` : `test RMSE ${formatNumber(finalRmse('raw + BN layer'), 3)} EUR`}): against the article's intuition that BN does inside the network what input scaling does outside.`);
    if (scaledGood.length === 2) {
      const better = finalRmse('standardized') <= finalRmse('min-max') ? 'standardized' : 'min-max';
      conclusion.push(`Of the two scalings, ${better} ends with the lower error here.`);
    }
    const mainPlot = linePlot(VARIANTS.map((v) => ({ name: `${v === 'raw + BN layer' ? v : `${v} inputs`}`, points: runs[v].curve.map((c) => [c.step / perEpoch, rmse(c.evalLoss)] as [number, number]) })),
      { title: 'Test RMSE (EUR)', xLabel: 'epoch', yLabel: 'RMSE (log scale)', logY: true });
    return {
      title: 'Experiment: does input normalization matter?',
      summary: `Generated car-rental prices from age (0-30 years) and mileage (0-300,000 km); an MLP 2-16-16-1 (ReLU) trained with SGD (lr ${lr}, batch ${SCALING_DEFAULTS.batchSize}) on raw, min-max scaled and standardized inputs, and on raw inputs through a BatchNormalization layer.`,
      meta: [['backend', backend.name], ['seed', String(o.seed)], ['cars', `${n} (${nTrain} train, ${n - nTrain} test)`], ['epochs', String(o.epochs)], ['predict-the-mean RMSE', `${formatNumber(baseline, 3)} EUR`]],
      sections: [{
        heading: 'Test error per epoch',
        paragraphs: ['A diverged run stops at the step its loss became NaN or infinite; the legend counts its non-finite points.'],
        plots: [mainPlot],
        tables: [{ header: ['inputs', 'final test RMSE', 'diverged at step'], rows: VARIANTS.map((v) => [v, Number.isFinite(finalRmse(v)) ? formatNumber(finalRmse(v), 3) : '-', runs[v].divergedAt === null ? '-' : String(runs[v].divergedAt)]) }],
      }],
      mainPlot,
      conclusion,
      metrics: { learningRate: lr, baselineRmse: baseline, runs: Object.fromEntries(VARIANTS.map((v) => [v, { finalRmse: finalRmse(v), divergedAt: runs[v].divergedAt, curve: runs[v].curve }])) },
    };
  },
};
