import { Random } from '@batchwise/core';
import { takeRows } from '@batchwise/datasets';
import { train } from '@batchwise/layers';
import { selectBackend } from '../cli/backend-setup.js';
import { UsageError } from '../cli/errors.js';
import { parseNonNegativeInt, parsePositiveNumber } from '../cli/parse.js';
import { loadImageData } from '../data/image-data.js';
import { buildModel, IMAGE_INPUT_SHAPE } from '../presets/index.js';
import { sliceRows } from '../training/batches.js';
import { addInitializerFlag, addSeedsFlag, addSplitFlags, addStepFlags, checkSeeds, checkStepFlags, seedList, seedsText, splitSeedOf, splitText, type Experiment } from './common.js';
import { covariateShiftReport, type ShiftData, type ShiftRun } from './covariate-shift-report.js';
import { LANDSCAPE_STEPS, probeOptimization, type OptimizationProbe } from './landscape.js';
import { INITIALIZER_TEXT, paperMlp, paperMlpText, type InitializerChoice } from './networks.js';
import { toRecord } from './run-records.js';
import { runSteps } from './step-runner.js';
import { percentilesOf, relativeShifts, unitInputs } from './unit-inputs.js';

/*
 * Claim (paper section 1, figure 1b,c; the article's section 3.3): BN
 * reduces internal covariate shift. Measured two ways on the paper's MNIST
 * network, with and without BN, over several seeds:
 * - as Ioffe & Szegedy show it: the 15th/50th/85th percentiles of the input
 *   to the sigmoids of the last hidden layer over fixed test images;
 * - as Santurkar et al. 2018 define it: how much a layer's gradient changes
 *   when the layers before it take their SGD step, and how smooth the loss
 *   is along the gradient (landscape.ts).
 * Both are read at every evaluation; the probes never change the training.
 */

export const SHIFT_DEFAULTS = { steps: 50_000, evalEvery: 500, batchSize: 60, learningRate: 0.5, unit: 0, probe: 1000, seeds: 5, initializer: 'glorot' } as const;
const HIDDEN_UNITS = 100;

export const covariateShiftExperiment: Experiment<ShiftData> = {
  name: 'covariate-shift',
  description: "internal covariate shift with and without BN: a hidden unit's input percentiles (paper figure 1b,c) and gradient change and loss smoothness (Santurkar et al. 2018)",
  configure(cmd) {
    addStepFlags(cmd, SHIFT_DEFAULTS.steps, SHIFT_DEFAULTS.evalEvery);
    cmd.option('--lr <rate>', 'SGD learning rate', parsePositiveNumber, SHIFT_DEFAULTS.learningRate);
    cmd.option('--unit <index>', `which unit of the last hidden layer to plot (0-${HIDDEN_UNITS - 1}); every unit is measured`, parseNonNegativeInt, SHIFT_DEFAULTS.unit);
    addSeedsFlag(cmd, SHIFT_DEFAULTS.seeds);
    addInitializerFlag(cmd, SHIFT_DEFAULTS.initializer);
    addSplitFlags(cmd);
  },
  async run(o, out) {
    const { lr, unit } = o as unknown as { lr: number; unit: number };
    checkStepFlags(o);
    checkSeeds(o);
    if (unit >= HIDDEN_UNITS) throw new UsageError(`--unit must be below ${HIDDEN_UNITS} (the last hidden layer's width), received ${unit}.`);
    const init = o.initializer as InitializerChoice;
    await selectBackend(o.backend);
    const splitSeed = splitSeedOf(o);
    const trainData = loadImageData('mnist', 'train', o.limit, splitSeed);
    const testData = loadImageData('mnist', 'test', o.limit, splitSeed);
    const probe = sliceRows(testData.images, 0, Math.min(SHIFT_DEFAULTS.probe, testData.labels.length));
    const seeds = seedList(o);
    const runs: Record<'plain' | 'bn', ShiftRun[]> = { plain: [], bn: [] };
    for (const variant of ['plain', 'bn'] as const) {
      for (const seed of seeds) {
        const model = buildModel(paperMlp(variant === 'bn', init), IMAGE_INPUT_SHAPE, seed, `shift-${variant}`);
        model.compile({ optimizer: train.sgd(lr), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
        // Every unit's percentiles at every evaluation: [unit][evaluation][percentile].
        const tracks: number[][][] = Array.from({ length: HIDDEN_UNITS }, () => []);
        const steps: number[] = [];
        const probes: (OptimizationProbe & { step: number })[] = [];
        // The probe batch differs at every evaluation, drawn from the training images with its own seed.
        const batchRng = new Random(seed + 7919);
        const run = await runSteps(model, trainData.images, trainData.oneHot, {
          steps: o.steps!, batchSize: SHIFT_DEFAULTS.batchSize, evalEvery: o.evalEvery!, seed,
          evalData: [testData.images, testData.oneHot], labels: testData.labels, label: `${variant === 'bn' ? 'with' : 'without'} BN, seed ${seed}`,
          onEval: (step) => {
            steps.push(step);
            unitInputs(model, probe).forEach((column, u) => tracks[u].push(percentilesOf(column)));
            const rows = Array.from({ length: SHIFT_DEFAULTS.batchSize }, () => batchRng.int(trainData.labels.length));
            probes.push({ step, ...probeOptimization(model, takeRows(trainData.images, rows), takeRows(trainData.oneHot, rows), lr) });
          },
        }, out);
        const chosen = tracks[unit];
        runs[variant].push({
          record: toRecord(run, seed),
          track: { step: steps, p15: chosen.map((p) => p[0]), p50: chosen.map((p) => p[1]), p85: chosen.map((p) => p[2]) },
          units: relativeShiftsByPercentile(tracks),
          probes: {
            step: probes.map((p) => p.step),
            loss: probes.map((p) => p.loss),
            gradientNorm: probes.map((p) => p.gradientNorm),
            lossVariation: probes.map((p) => p.lossVariation),
            gradientChange: probes.map((p) => p.gradientChange),
            betaSmoothness: probes.map((p) => p.betaSmoothness),
            shift: (probes[0]?.shift ?? []).map((s, i) => ({
              layer: s.layer,
              l2: probes.map((p) => p.shift[i].l2),
              relative: probes.map((p) => p.shift[i].relative),
              cosine: probes.map((p) => p.shift[i].cosine),
            })),
          },
        });
      }
    }
    return {
      data: { unit, lr, seeds, steps: o.steps!, probeImages: probe.shape[0], landscapeSteps: [...LANDSCAPE_STEPS], runs },
      settings: [
        ['architecture', `${paperMlpText(false, 'sigmoid')}; with BN: ${paperMlpText(true, 'sigmoid')}`],
        ['optimizer', `plain SGD (no momentum), ${o.steps} steps, measured every ${o.evalEvery}`],
        ['learning rate', String(lr)],
        ['batch size', String(SHIFT_DEFAULTS.batchSize)],
        ['initializer', `${init} (${INITIALIZER_TEXT[init]})`],
        ['split', splitText(o, 'MNIST (the mnist package\'s 10,000 digits)', trainData.labels.length, testData.labels.length)],
        ['seeds', `${seedsText(o)}; both networks use the same seeds`],
        ['probes', `percentiles over the first ${probe.shape[0]} test images (unit ${unit} plotted, all ${HIDDEN_UNITS} measured); gradients on a random batch of ${SHIFT_DEFAULTS.batchSize} training images per measurement; steps along the gradient ${LANDSCAPE_STEPS.join(', ')} x the learning rate`],
      ],
    };
  },
  report: (raw) => covariateShiftReport(raw.data),
};

function relativeShiftsByPercentile(tracks: number[][][]): { p15: number[]; p50: number[]; p85: number[] } {
  const shifts = tracks.map(relativeShifts);
  return { p15: shifts.map((s) => s[0]), p50: shifts.map((s) => s[1]), p85: shifts.map((s) => s[2]) };
}
