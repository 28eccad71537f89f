import { layers, train, type Layer } from '@batchwise/layers';
import { selectBackend } from '../cli/backend-setup.js';
import { loadImageData } from '../data/image-data.js';
import { buildModel, IMAGE_INPUT_SHAPE } from '../presets/index.js';
import { addInitializerFlag, addSeedsFlag, addSplitFlags, addStepFlags, checkSeeds, checkStepFlags, seedList, seedsText, splitSeedOf, splitText, type Experiment } from './common.js';
import { dense, initializersFor, INITIALIZER_TEXT, MNIST_PIXELS, type InitializerChoice } from './networks.js';
import { placementReport, NETS, PLACES, type Net, type Place, type PlacementData } from './placement-report.js';
import { toRecord, type RunRecord } from './run-records.js';
import { runSteps } from './step-runner.js';

/*
 * Where does BN go? The paper (section 3.2) and the article's text put it
 * between the linear map and the nonlinearity (dense/conv without bias ->
 * BN -> ReLU); the article's own Keras code puts it after the activation
 * (dense/conv with bias and ReLU -> BN). Same budget for both placements,
 * MLP and CNN, on Fashion-MNIST, over several seeds, compared seed by seed
 * and on the same test images.
 */

export const PLACEMENT_DEFAULTS = { steps: 2000, evalEvery: 250, limit: 60000, batchSize: 64, learningRate: 1e-3, seeds: 3, initializer: 'he' } as const;

function block(kind: Net, size: number, fanIn: number, place: Place, init: InitializerChoice): Layer[] {
  const activation = place === 'after' ? 'relu' : 'linear';
  const useBias = place === 'after';
  const linear = kind === 'CNN'
    ? layers.conv2d({ filters: size, kernelSize: 3, padding: 'same', useBias, activation, ...initializersFor(init, 9 * fanIn) })
    : dense(size, fanIn, init, { useBias, activation });
  return place === 'before' ? [linear, layers.batchNormalization(), layers.activation({ activation: 'relu' })] : [linear, layers.batchNormalization()];
}

function network(kind: Net, place: Place, init: InitializerChoice): Layer[] {
  if (kind === 'MLP') return [layers.flatten(), ...block('MLP', 256, MNIST_PIXELS, place, init), ...block('MLP', 128, 256, place, init), dense(10, 128, init, { activation: 'softmax' })];
  return [
    ...block('CNN', 16, 1, place, init), layers.maxPooling2d({ poolSize: 2 }),
    ...block('CNN', 32, 16, place, init), layers.maxPooling2d({ poolSize: 2 }),
    layers.flatten(), ...block('MLP', 128, 7 * 7 * 32, place, init), dense(10, 128, init, { activation: 'softmax' }),
  ];
}

export const placementExperiment: Experiment<PlacementData> = {
  name: 'placement',
  description: 'BN before vs after the activation, for an MLP and a CNN (Fashion-MNIST), over several seeds',
  configure(cmd) {
    addStepFlags(cmd, PLACEMENT_DEFAULTS.steps, PLACEMENT_DEFAULTS.evalEvery, PLACEMENT_DEFAULTS.limit);
    addSeedsFlag(cmd, PLACEMENT_DEFAULTS.seeds);
    addInitializerFlag(cmd, PLACEMENT_DEFAULTS.initializer);
    addSplitFlags(cmd);
  },
  async run(o, out) {
    checkStepFlags(o);
    checkSeeds(o);
    const init = o.initializer as InitializerChoice;
    await selectBackend(o.backend);
    const splitSeed = splitSeedOf(o);
    const trainData = loadImageData('fashion-mnist', 'train', o.limit, splitSeed);
    const testData = loadImageData('fashion-mnist', 'test', Math.min(o.limit!, 10000), splitSeed);
    const seeds = seedList(o);
    const runs = {} as Record<`${Net} ${Place}`, RunRecord[]>;
    for (const seed of seeds) {
      for (const kind of NETS) {
        for (const place of PLACES) {
          const model = buildModel(network(kind, place, init), IMAGE_INPUT_SHAPE, seed, `placement-${kind}-${place}`);
          model.compile({ optimizer: train.adam(PLACEMENT_DEFAULTS.learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
          const run = await runSteps(model, trainData.images, trainData.oneHot, {
            steps: o.steps!, batchSize: PLACEMENT_DEFAULTS.batchSize, evalEvery: o.evalEvery!, seed,
            evalData: [testData.images, testData.oneHot], labels: testData.labels, label: `${kind}, BN ${place} the activation, seed ${seed}`,
          }, out);
          (runs[`${kind} ${place}`] ??= []).push(toRecord(run, seed));
        }
      }
    }
    return {
      data: { seeds, steps: o.steps!, runs },
      settings: [
        ['architecture', 'MLP 784-256-128-10 and CNN conv16-pool-conv32-pool-dense128-10 (3x3 same convs, 2x2 max-pooling), ReLU. Before: linear map without bias -> BN -> ReLU. After: linear map with bias and ReLU -> BN'],
        ['optimizer', `Adam, ${o.steps} steps, test accuracy every ${o.evalEvery}`],
        ['learning rate', String(PLACEMENT_DEFAULTS.learningRate)],
        ['batch size', String(PLACEMENT_DEFAULTS.batchSize)],
        ['initializer', `${init} (${INITIALIZER_TEXT[init]})`],
        ['split', splitText(o, 'Fashion-MNIST', trainData.labels.length, testData.labels.length)],
        ['seeds', `${seedsText(o)}; all four networks use the same seeds`],
      ],
    };
  },
  report: (raw) => placementReport(raw.data),
};
