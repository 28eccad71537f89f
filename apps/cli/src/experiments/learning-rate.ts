import { train } from '@batchwise/layers';
import { Option } from 'commander';
import { selectBackend } from '../cli/backend-setup.js';
import { UsageError } from '../cli/errors.js';
import { parseNumberList } from '../cli/parse.js';
import { loadImageData } from '../data/image-data.js';
import { buildModel, IMAGE_INPUT_SHAPE } from '../presets/index.js';
import { addInitializerFlag, addSeedsFlag, addSplitFlags, addStepFlags, checkSeeds, checkStepFlags, seedList, seedsText, splitSeedOf, splitText, type Experiment } from './common.js';
import { learningRateReport, type LearningRateData } from './learning-rate-report.js';
import { INITIALIZER_TEXT, paperMlp, paperMlpText, type ActivationName, type InitializerChoice } from './networks.js';
import { toRecord, type RunRecord } from './run-records.js';
import { runSteps } from './step-runner.js';

/*
 * Claim (paper section 3.3; the article's section 3): Batch Norm makes
 * training robust to the learning rate, so higher rates can be used. Sweep
 * plain SGD's learning rate for the same MLP with and without BN, several
 * seeds each, and sort each rate into trains / stalls / diverges from the
 * tail of the curves (the last quarter of the evaluations), not from one
 * final evaluation.
 */

export const LR_DEFAULTS = {
  steps: 3000, evalEvery: 250, batchSize: 60, rates: [0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30], activation: 'relu', seeds: 5, initializer: 'glorot',
} as const;

export const learningRateExperiment: Experiment<LearningRateData> = {
  name: 'learning-rate',
  description: 'sweep the learning rate with and without BN over several seeds: where plain SGD diverges or stalls and BN still trains',
  configure(cmd) {
    addStepFlags(cmd, LR_DEFAULTS.steps, LR_DEFAULTS.evalEvery);
    cmd.option('--rates <list>', 'comma-separated learning rates', parseNumberList, [...LR_DEFAULTS.rates]);
    cmd.addOption(new Option('--activation <name>', 'hidden activation').choices(['relu', 'sigmoid', 'tanh']).default(LR_DEFAULTS.activation));
    addSeedsFlag(cmd, LR_DEFAULTS.seeds);
    addInitializerFlag(cmd, LR_DEFAULTS.initializer);
    addSplitFlags(cmd);
  },
  async run(o, out) {
    const { rates, activation } = o as unknown as { rates: number[]; activation: ActivationName };
    checkStepFlags(o);
    checkSeeds(o);
    if (rates.length < 2) throw new UsageError(`--rates needs at least two values, received ${rates.length}.`);
    const init = o.initializer as InitializerChoice;
    await selectBackend(o.backend);
    const splitSeed = splitSeedOf(o);
    const trainData = loadImageData('mnist', 'train', o.limit, splitSeed);
    const testData = loadImageData('mnist', 'test', o.limit, splitSeed);
    const seeds = seedList(o);
    const runs: Record<'plain' | 'bn', RunRecord[][]> = { plain: [], bn: [] };
    for (const variant of ['plain', 'bn'] as const) {
      for (const rate of rates) {
        const perSeed: RunRecord[] = [];
        for (const seed of seeds) {
          const model = buildModel(paperMlp(variant === 'bn', init, activation), IMAGE_INPUT_SHAPE, seed, `lr-${variant}`);
          model.compile({ optimizer: train.sgd(rate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
          const run = await runSteps(model, trainData.images, trainData.oneHot, {
            steps: o.steps!, batchSize: LR_DEFAULTS.batchSize, evalEvery: o.evalEvery!, seed,
            evalData: [testData.images, testData.oneHot], labels: testData.labels, label: `${variant === 'bn' ? 'with' : 'without'} BN, lr ${rate}, seed ${seed}`,
          }, out);
          perSeed.push(toRecord(run, seed));
        }
        runs[variant].push(perSeed);
      }
    }
    return {
      data: { rates, activation, seeds, steps: o.steps!, runs },
      settings: [
        ['architecture', `${paperMlpText(false, activation)}; with BN: ${paperMlpText(true, activation)}`],
        ['optimizer', `plain SGD (no momentum), ${o.steps} steps per run, test accuracy every ${o.evalEvery} steps`],
        ['learning rates', rates.join(', ')],
        ['batch size', String(LR_DEFAULTS.batchSize)],
        ['initializer', `${init} (${INITIALIZER_TEXT[init]})`],
        ['split', splitText(o, 'MNIST (the mnist package\'s 10,000 digits)', trainData.labels.length, testData.labels.length)],
        ['seeds', `${seedsText(o)}; both networks use the same seeds`],
      ],
    };
  },
  report: (raw) => learningRateReport(raw.data),
};
