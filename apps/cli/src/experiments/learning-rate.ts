import { train } from '@batchwise/layers';
import { Option } from 'commander';
import { UsageError } from '../cli/errors.js';
import { selectBackend } from '../cli/backend-setup.js';
import { parseNumberList } from '../cli/parse.js';
import { loadImageData } from '../data/image-data.js';
import { buildModel, IMAGE_INPUT_SHAPE } from '../presets/index.js';
import { linePlot } from '../report/svg-plot.js';
import { addStepFlags, checkStepFlags, paperMlp, pct, type Experiment , type ActivationName } from './common.js';
import { finalAccuracy, runSteps, type StepRun } from './step-runner.js';

/*
 * Claim (paper section 3.3; the article's section 3): Batch Norm makes
 * training robust to the learning rate, so higher rates can be used. Sweep
 * plain SGD's learning rate for the same MLP with and without BN, and sort
 * each run into trains / stalls / diverges.
 */

export const LR_DEFAULTS = { steps: 3000, evalEvery: 500, batchSize: 60, rates: [0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30], activation: 'relu' } as const;
/** Below this final test accuracy a run counts as stalled (chance is 10%). */
export const STALL_ACCURACY = 0.3;

type Outcome = 'trains' | 'stalls' | 'diverges';

function outcomeOf(run: StepRun): Outcome {
  if (run.divergedAt !== null) return 'diverges';
  return finalAccuracy(run) < STALL_ACCURACY ? 'stalls' : 'trains';
}

export const learningRateExperiment: Experiment = {
  name: 'learning-rate',
  description: 'sweep the learning rate with and without BN: where plain SGD diverges or stalls and BN still trains',
  configure(cmd) {
    addStepFlags(cmd, LR_DEFAULTS.steps, LR_DEFAULTS.evalEvery);
    cmd.option('--rates <list>', 'comma-separated learning rates', parseNumberList, [...LR_DEFAULTS.rates]);
    cmd.addOption(new Option('--activation <name>', 'hidden activation').choices(['relu', 'sigmoid', 'tanh']).default(LR_DEFAULTS.activation));
  },
  async run(o, out) {
    const { rates, activation } = o as unknown as { rates: number[]; activation: ActivationName };
    checkStepFlags(o);
    if (rates.length < 2) throw new UsageError(`--rates needs at least two values, received ${rates.length}.`);
    const backend = await selectBackend(o.backend);
    const trainData = loadImageData('mnist', 'train', o.limit);
    const testData = loadImageData('mnist', 'test', o.limit);
    const results: { rate: number; bn: boolean; run: StepRun; outcome: Outcome; accuracy: number }[] = [];
    for (const bn of [false, true]) {
      for (const rate of rates) {
        const model = buildModel(paperMlp(bn, activation), IMAGE_INPUT_SHAPE, o.seed, `lr-${bn ? 'bn' : 'plain'}-${rate}`);
        model.compile({ optimizer: train.sgd(rate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
        const run = await runSteps(model, trainData.images, trainData.oneHot, {
          steps: o.steps!, batchSize: LR_DEFAULTS.batchSize, evalEvery: o.evalEvery!, seed: o.seed,
          evalData: [testData.images, testData.oneHot], label: `${bn ? 'with' : 'without'} BN, lr ${rate}`,
        }, out);
        results.push({ rate, bn, run, outcome: outcomeOf(run), accuracy: run.divergedAt === null ? finalAccuracy(run) : Number.NaN });
      }
    }
    const of = (bn: boolean) => results.filter((r) => r.bn === bn);
    const maxTraining = (bn: boolean) => Math.max(-Infinity, ...of(bn).filter((r) => r.outcome === 'trains').map((r) => r.rate));
    const best = (bn: boolean) => of(bn).reduce((a, r) => (r.accuracy > (a?.accuracy ?? -1) ? r : a), of(bn)[0]);
    const conclusion: string[] = [];
    for (const bn of [false, true]) {
      const who = bn ? 'With BN' : 'Without BN';
      const m = maxTraining(bn);
      const failing = of(bn).filter((r) => r.outcome !== 'trains').map((r) => `${r.rate} (${r.outcome})`);
      conclusion.push(`${who} the network trains up to learning rate ${Number.isFinite(m) ? m : 'none of those tried'}; best test accuracy ${pct(best(bn).accuracy)} at ${best(bn).rate}.${failing.length ? ` Fails at ${failing.join(', ')}.` : ''}`);
    }
    const onlyBn = rates.filter((rate) => of(true).find((r) => r.rate === rate)?.outcome === 'trains' && of(false).find((r) => r.rate === rate)?.outcome !== 'trains');
    const onlyPlain = rates.filter((rate) => of(false).find((r) => r.rate === rate)?.outcome === 'trains' && of(true).find((r) => r.rate === rate)?.outcome !== 'trains');
    if (onlyBn.length > 0) conclusion.push(`At ${onlyBn.join(', ')} only the network with BN trains: this agrees with the claim that BN allows higher learning rates.`);
    else conclusion.push('No learning rate in this sweep trains with BN but fails without it: this run does not show the claimed robustness (try higher --rates or more --steps).');
    if (onlyPlain.length > 0) conclusion.push(`Against the claim, at ${onlyPlain.join(', ')} the plain network trains and the BN network does not.`);
    const series = [false, true].map((bn) => ({ name: bn ? 'with BN' : 'without BN', points: of(bn).map((r) => [r.rate, r.outcome === 'diverges' ? Number.NaN : r.accuracy] as [number, number]) }));
    const mainPlot = linePlot(series, { title: `Test accuracy after ${o.steps} steps`, xLabel: 'learning rate (log scale)', yLabel: 'accuracy', logX: true, yRange: [0, 1], markers: true });
    return {
      title: 'Experiment: does Batch Norm allow higher learning rates?',
      summary: `MNIST, 3 hidden layers of 100 ${activation} units, batch ${LR_DEFAULTS.batchSize}, plain SGD for ${o.steps} steps at each learning rate, with and without Batch Normalization.`,
      meta: [['backend', backend.name], ['seed', String(o.seed)], ['steps per run', String(o.steps)], ['learning rates', rates.join(', ')], ['stalled means', `final test accuracy below ${pct(STALL_ACCURACY)}`]],
      sections: [{
        heading: 'Final test accuracy against learning rate',
        paragraphs: ['Diverged runs (the loss became NaN or infinite) leave a gap in their line and are counted in the legend.'],
        plots: [mainPlot],
        tables: [{
          header: ['learning rate', 'without BN', 'with BN'],
          rows: rates.map((rate) => [String(rate), ...[false, true].map((bn) => {
            const r = of(bn).find((x) => x.rate === rate)!;
            return r.outcome === 'diverges' ? `diverges at step ${r.run.divergedAt}` : `${pct(r.accuracy)} (${r.outcome})`;
          })]),
        }],
      }],
      mainPlot,
      conclusion,
      metrics: { activation, rates, runs: results.map((r) => ({ rate: r.rate, bn: r.bn, outcome: r.outcome, accuracy: r.accuracy, divergedAt: r.run.divergedAt, curve: r.run.curve })) },
    };
  },
};
