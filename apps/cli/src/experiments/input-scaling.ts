import type { Tensor } from '@batchwise/core';
import { carRental } from '@batchwise/datasets';
import { layers, minMaxScaler, standardScaler, train, type Layer, type LayersModel } from '@batchwise/layers';
import { selectBackend } from '../cli/backend-setup.js';
import { parseInteger, parsePositiveNumber } from '../cli/parse.js';
import { buildModel } from '../presets/index.js';
import { batchCount, sliceRows } from '../training/batches.js';
import { addEpochFlags, addInitializerFlag, addSeedsFlag, checkSeeds, seedList, seedsText, type Experiment } from './common.js';
import { inputScalingReport, VARIANTS, type ScalingData, type Variant } from './input-scaling-report.js';
import { dense, INITIALIZER_TEXT, type InitializerChoice } from './networks.js';
import { toRecord } from './run-records.js';
import { runSteps } from './step-runner.js';

/*
 * Claim (the article's section 2): inputs on very different scales (car age
 * 0-30 years, mileage 0-300,000 km) make a network hard to train, up to
 * exploding gradients; min-max scaling or standardization fixes it. Same
 * regression MLP, same SGD, on raw, min-max scaled and standardized inputs,
 * over several seeds on one generated data set. Scaling statistics come from
 * the training rows only, as they must. The price target is standardized in
 * every run (a 17-90 EUR target kills ReLU units under plain SGD whatever
 * the inputs), so only the inputs differ; errors are reported back in
 * euros. A fourth run feeds the raw inputs to a BatchNormalization layer
 * first: the article's intuition that BN does inside the network what input
 * normalization does outside it.
 */

export const SCALING_DEFAULTS = { epochs: 100, cars: 1000, batchSize: 32, learningRate: 0.01, testFraction: 0.2, seeds: 5, initializer: 'glorot', dataSeed: 0 } as const;

function regressor(init: InitializerChoice): Layer[] {
  return [dense(16, 2, init, { activation: 'relu' }), dense(16, 16, init, { activation: 'relu' }), dense(1, 16, init)];
}

function scaled(variant: Variant, trainX: Tensor, testX: Tensor): [Tensor, Tensor] {
  if (variant === 'raw' || variant === 'raw + BN layer') return [trainX, testX];
  // Fitted on the training rows only, then applied to both.
  const scaler = (variant === 'min-max' ? minMaxScaler() : standardScaler()).fit(trainX);
  return [scaler.transform(trainX), scaler.transform(testX)];
}

/** Per test car: squared error in standardized price units (times the price std squared: EUR^2). */
function squaredErrors(model: LayersModel, x: Tensor, y: Tensor): number[] {
  const p = model.predict(x, { batchSize: 256 }) as Tensor;
  return Array.from({ length: y.shape[0] }, (_, i) => (p.data[i] - y.data[i]) ** 2);
}

export const inputScalingExperiment: Experiment<ScalingData> = {
  name: 'input-scaling',
  description: 'car-rental price regression on raw, min-max scaled and standardized inputs, and raw inputs into a BN layer (the article, section 2)',
  configure(cmd) {
    addEpochFlags(cmd, SCALING_DEFAULTS.epochs, SCALING_DEFAULTS.cars, 'number of generated cars');
    cmd.option('--lr <rate>', 'SGD learning rate for all four', parsePositiveNumber, SCALING_DEFAULTS.learningRate);
    cmd.option('--data-seed <n>', 'seed of the generated cars (the same data for every training seed)', parseInteger, SCALING_DEFAULTS.dataSeed);
    addSeedsFlag(cmd, SCALING_DEFAULTS.seeds);
    addInitializerFlag(cmd, SCALING_DEFAULTS.initializer);
  },
  async run(o, out) {
    const { lr, dataSeed } = o as unknown as { lr: number; dataSeed: number };
    checkSeeds(o);
    const init = o.initializer as InitializerChoice;
    await selectBackend(o.backend);
    const data = carRental({ n: Math.max(10, o.limit!), seed: dataSeed });
    const n = data.features.shape[0];
    const nTrain = n - Math.max(1, Math.round(n * SCALING_DEFAULTS.testFraction));
    const trainX = sliceRows(data.features, 0, nTrain);
    const testX = sliceRows(data.features, nTrain, n);
    const priceScaler = standardScaler().fit(sliceRows(data.target, 0, nTrain));
    const priceStd = Math.sqrt(priceScaler.variance![0]);
    const trainY = priceScaler.transform(sliceRows(data.target, 0, nTrain));
    const testY = priceScaler.transform(sliceRows(data.target, nTrain, n));
    const perEpoch = batchCount(nTrain, SCALING_DEFAULTS.batchSize);
    const seeds = seedList(o);
    const runs = Object.fromEntries(VARIANTS.map((v) => [v, []])) as unknown as ScalingData['runs'];
    for (const variant of VARIANTS) {
      const [x, tx] = scaled(variant, trainX, testX);
      for (const seed of seeds) {
        const stack = variant === 'raw + BN layer' ? [layers.batchNormalization(), ...regressor(init)] : regressor(init);
        const model = buildModel(stack, [2], seed, `scaling-${variant.replace(/\W+/g, '-')}`);
        model.compile({ optimizer: train.sgd(lr), loss: 'meanSquaredError' });
        const run = await runSteps(model, x, trainY, {
          steps: o.epochs! * perEpoch, batchSize: SCALING_DEFAULTS.batchSize, evalEvery: perEpoch, seed,
          evalData: [tx, testY], label: `${variant} inputs, seed ${seed}`,
        }, out);
        runs[variant].push({ record: toRecord(run, seed), squaredErrors: run.divergedAt === null ? squaredErrors(model, tx, testY) : null });
      }
    }
    // Predicting the training mean (0 after standardization) for every test car.
    const baselineRmse = Math.sqrt(Array.from(testY.data).reduce((a, y) => a + y * y, 0) / testY.shape[0]) * priceStd;
    return {
      data: { seeds, epochs: o.epochs!, perEpoch, priceStd, baselineRmse, cars: n, nTrain, runs },
      settings: [
        ['architecture', 'MLP 2-16-16-1 (ReLU, linear output); "raw + BN layer" puts a BatchNormalization layer before it'],
        ['optimizer', `plain SGD (no momentum), mean squared error on the standardized price, ${o.epochs} epochs of ${perEpoch} batches`],
        ['learning rate', String(lr)],
        ['batch size', String(SCALING_DEFAULTS.batchSize)],
        ['initializer', `${init} (${INITIALIZER_TEXT[init]})`],
        ['split', `carRental({ n: ${n}, seed: ${dataSeed} }) from @batchwise/datasets: the first ${nTrain} cars train, the last ${n - nTrain} test; scalers fitted on the training cars`],
        ['seeds', `${seedsText(o)}: weights and batch order; the data stays the same`],
      ],
    };
  },
  report: (raw) => inputScalingReport(raw.data),
};
