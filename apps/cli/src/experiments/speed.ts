import { train } from '@batchwise/layers';
import { Option } from 'commander';
import { selectBackend } from '../cli/backend-setup.js';
import { parseChoiceList, parseNumberList } from '../cli/parse.js';
import { loadImageData } from '../data/image-data.js';
import { buildModel, IMAGE_INPUT_SHAPE } from '../presets/index.js';
import { addSeedsFlag, addSplitFlags, addStepFlags, checkSeeds, checkStepFlags, seedList, seedsText, splitSeedOf, splitText, type Experiment } from './common.js';
import { INITIALIZER_CHOICES, INITIALIZER_TEXT, paperMlp, paperMlpText, type InitializerChoice } from './networks.js';
import { speedReport, type SpeedContext, type SpeedRuns } from './speed-report.js';
import { fromRecord, toRecord, type RunRecord } from './run-records.js';
import { runSteps } from './step-runner.js';

/*
 * Claim (Ioffe & Szegedy 2015, section 4.1, figure 1a; the article's section
 * 3): Batch Norm speeds up training, and the BN network ends higher. Setup
 * as the paper: MNIST, 3 hidden layers of 100 sigmoid units, mini-batches
 * of 60, plain SGD with the same learning rate for both networks, test
 * accuracy against training steps. The paper gives no learning rate, and
 * the gap depends on it, so the comparison runs at several (0.1, 0.5, and
 * 2.0, the plain sigmoid network's best region in the learning-rate sweep);
 * how fast the plain network gets going also depends on its initialiser, so
 * it runs with each of --initializers. Every configuration is repeated over
 * the same seeds, and BN is compared with plain seed by seed.
 */

export const SPEED_DEFAULTS = {
  steps: 20_000, evalEvery: 250, early: { every: 50, until: 2000 }, batchSize: 60, learningRates: [0.1, 0.5, 2], initializers: ['glorot', 'he', 'pytorch'] as InitializerChoice[], seeds: 5,
} as const;

export interface SpeedData extends SpeedContext {
  runs: Record<string, Record<string, { plain: RunRecord[]; bn: RunRecord[] }>>;
}

export const speedExperiment: Experiment<SpeedData> = {
  name: 'speed',
  description: 'test accuracy vs training steps with and without BN at several learning rates and initialisers (paper: MNIST, 3x100 sigmoid, batch 60)',
  configure(cmd) {
    addStepFlags(cmd, SPEED_DEFAULTS.steps, SPEED_DEFAULTS.evalEvery);
    cmd.option('--lrs <list>', 'comma-separated SGD learning rates, each used for both networks', parseNumberList, [...SPEED_DEFAULTS.learningRates]);
    cmd.addOption(new Option('--initializers <list>', `comma-separated initialisers, from ${INITIALIZER_CHOICES.join(', ')} (the first is the headline's)`)
      .argParser(parseChoiceList(INITIALIZER_CHOICES)).default([...SPEED_DEFAULTS.initializers]));
    addSeedsFlag(cmd, SPEED_DEFAULTS.seeds);
    addSplitFlags(cmd);
  },
  async run(o, out) {
    checkStepFlags(o);
    checkSeeds(o);
    const { lrs, initializers } = o as unknown as { lrs: number[]; initializers: InitializerChoice[] };
    const backend = await selectBackend(o.backend);
    const splitSeed = splitSeedOf(o);
    const trainData = loadImageData('mnist', 'train', o.limit, splitSeed);
    const testData = loadImageData('mnist', 'test', o.limit, splitSeed);
    const seeds = seedList(o);
    const runs: SpeedData['runs'] = {};
    for (const init of initializers) {
      for (const lr of lrs) {
        for (const variant of ['plain', 'bn'] as const) {
          for (const seed of seeds) {
            const model = buildModel(paperMlp(variant === 'bn', init), IMAGE_INPUT_SHAPE, seed, `speed-${variant}`);
            model.compile({ optimizer: train.sgd(lr), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
            const run = await runSteps(model, trainData.images, trainData.oneHot, {
              steps: o.steps!, batchSize: SPEED_DEFAULTS.batchSize, evalEvery: o.evalEvery!, seed,
              evalData: [testData.images, testData.oneHot], labels: testData.labels, early: SPEED_DEFAULTS.early,
              label: `${init}, lr ${lr}, ${variant === 'bn' ? 'with' : 'without'} BN, seed ${seed}`,
            }, out);
            ((runs[init] ??= {})[String(lr)] ??= { plain: [], bn: [] })[variant].push(toRecord(run, seed));
          }
        }
      }
    }
    return {
      data: { initializers, lrs, seeds, steps: o.steps!, runs },
      settings: [
        ['architecture', `${paperMlpText(false, 'sigmoid')}; with BN: ${paperMlpText(true, 'sigmoid')}`],
        ['optimizer', `plain SGD (no momentum), the same learning rate for both networks, ${o.steps} steps; test accuracy every ${SPEED_DEFAULTS.early.every} steps up to step ${SPEED_DEFAULTS.early.until}, then every ${o.evalEvery}`],
        ['learning rates', lrs.join(', ')],
        ['batch size', String(SPEED_DEFAULTS.batchSize)],
        ['initializers', initializers.map((i) => `${i} (${INITIALIZER_TEXT[i]})`).join('; ')],
        ['split', splitText(o, 'MNIST (the mnist package\'s 10,000 digits)', trainData.labels.length, testData.labels.length)],
        ['seeds', `${seedsText(o)}: weights and batch order; both networks use the same seeds`],
      ],
    };
  },
  report(raw) {
    const d = raw.data;
    const runs: SpeedRuns = Object.fromEntries(Object.entries(d.runs).map(([init, byLr]) => [init, Object.fromEntries(Object.entries(byLr).map(([lr, v]) => [lr, { plain: v.plain.map(fromRecord), bn: v.bn.map(fromRecord) }]))]));
    return speedReport(runs, d);
  },
};
