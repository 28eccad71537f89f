import { train } from '@batchwise/layers';
import { selectBackend } from '../cli/backend-setup.js';
import { parsePositiveNumber } from '../cli/parse.js';
import { loadImageData } from '../data/image-data.js';
import { buildModel, IMAGE_INPUT_SHAPE } from '../presets/build-model.js';
import { linePlot } from '../report/svg-plot.js';
import { addStepFlags, checkStepFlags, paperMlp, pct, type Experiment } from './common.js';
import { finalAccuracy, runSteps, stepsToReach, type StepRun } from './step-runner.js';

/*
 * Claim (Ioffe & Szegedy 2015, section 4.1, figure 1a; the article's section
 * 3): Batch Norm speeds up training. Setup as the paper: MNIST, 3 hidden
 * layers of 100 sigmoid units, mini-batches of 60, the same network with and
 * without BN, test accuracy against training steps. The paper trains 50,000
 * steps, and so does the default here (--steps for less); SGD's learning
 * rate is the same for both networks. The paper gives none: 0.5 is where
 * the plain network trains well, so the comparison does not favour BN.
 */

export const SPEED_DEFAULTS = { steps: 50_000, evalEvery: 500, batchSize: 60, learningRate: 0.5 } as const;
const TARGETS = [0.9, 0.95] as const;

export const speedExperiment: Experiment = {
  name: 'speed',
  description: 'test accuracy vs training steps with and without BN (paper: MNIST, 3x100 sigmoid, batch 60)',
  configure(cmd) {
    addStepFlags(cmd, SPEED_DEFAULTS.steps, SPEED_DEFAULTS.evalEvery);
    cmd.option('--lr <rate>', 'SGD learning rate for both networks', parsePositiveNumber, SPEED_DEFAULTS.learningRate);
  },
  async run(o, out) {
    checkStepFlags(o);
    const backend = await selectBackend(o.backend);
    const trainData = loadImageData('mnist', 'train', o.limit);
    const testData = loadImageData('mnist', 'test', o.limit);
    const lr = (o as { lr?: number }).lr ?? SPEED_DEFAULTS.learningRate;
    const runs: Record<'plain' | 'bn', StepRun> = {} as never;
    for (const variant of ['plain', 'bn'] as const) {
      const model = buildModel(paperMlp(variant === 'bn'), IMAGE_INPUT_SHAPE, o.seed, `speed-${variant}`);
      model.compile({ optimizer: train.sgd(lr), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      runs[variant] = await runSteps(model, trainData.images, trainData.oneHot, {
        steps: o.steps!, batchSize: SPEED_DEFAULTS.batchSize, evalEvery: o.evalEvery!, seed: o.seed,
        evalData: [testData.images, testData.oneHot], label: variant === 'bn' ? 'with BN' : 'without BN',
      }, out);
    }
    const reach = (r: StepRun) => TARGETS.map((t) => stepsToReach(r, t));
    const [p, b] = [runs.plain, runs.bn];
    const conclusion: string[] = [];
    conclusion.push(`After ${o.steps} steps the network with BN reaches ${pct(finalAccuracy(b))} test accuracy, the one without ${pct(finalAccuracy(p))}.`);
    TARGETS.forEach((t, i) => {
      const sp = reach(p)[i];
      const sb = reach(b)[i];
      if (sb !== null && sp !== null) conclusion.push(`To reach ${pct(t)}: ${sb} steps with BN, ${sp} without (${(sp / sb).toFixed(1)}x as many).`);
      else if (sb !== null) conclusion.push(`With BN the test accuracy reaches ${pct(t)} after ${sb} steps; without BN it never does within ${o.steps} steps.`);
      else if (sp !== null) conclusion.push(`Without BN the test accuracy reaches ${pct(t)} after ${sp} steps; with BN it never does within ${o.steps} steps.`);
      else conclusion.push(`Neither network reaches ${pct(t)} within ${o.steps} steps.`);
    });
    const faster = (reach(b)[0] ?? Infinity) < (reach(p)[0] ?? Infinity) || finalAccuracy(b) > finalAccuracy(p) + 0.005;
    conclusion.push(
      faster
        ? 'This agrees with the paper: with the same learning rate, Batch Norm trains faster and ends higher.'
        : 'This run does not show the speed-up the paper reports: without BN the network is as fast or faster here (try more --steps, the full dataset, or another --lr).',
    );
    if (o.steps! < 50_000) conclusion.push(`The paper trains for 50,000 steps; this run used ${o.steps}, so only the early part of figure 1a is reproduced.`);
    const series = (['plain', 'bn'] as const).map((v) => ({ name: v === 'bn' ? 'with BN' : 'without BN', points: runs[v].curve.map((c) => [c.step, c.evalAccuracy] as [number, number]) }));
    const lossSeries = (['plain', 'bn'] as const).map((v) => ({ name: v === 'bn' ? 'with BN' : 'without BN', points: runs[v].curve.filter((c) => c.step > 0).map((c) => [c.step, c.trainLoss] as [number, number]) }));
    // Zoom on where the curves end, as the paper's figure 1a does; earlier points are clipped to the frame.
    const floor = Math.max(0, Math.floor((Math.min(finalAccuracy(p), finalAccuracy(b)) - 0.1) * 10) / 10);
    const mainPlot = linePlot(series, { title: 'Test accuracy', xLabel: 'training step', yLabel: `accuracy (from ${pct(floor)})`, yRange: [Number.isFinite(floor) ? floor : 0, 1] });
    return {
      title: 'Experiment: does Batch Norm speed up training?',
      summary: 'MNIST, 3 fully connected hidden layers of 100 sigmoid units, batch 60, plain SGD: the same network with and without Batch Normalization (Ioffe & Szegedy 2015, figure 1a).',
      meta: [['backend', backend.name], ['seed', String(o.seed)], ['steps', String(o.steps)], ['learning rate', String(lr)], ['train / test examples', `${trainData.labels.length} / ${testData.labels.length}`]],
      sections: [{
        heading: 'Test accuracy against training steps',
        plots: [
          mainPlot,
          linePlot(lossSeries, { title: 'Training loss', xLabel: 'training step', yLabel: 'cross-entropy' }),
        ],
        tables: [{
          header: ['network', 'final accuracy', ...TARGETS.map((t) => `steps to ${pct(t)}`), 'seconds'],
          rows: (['plain', 'bn'] as const).map((v) => [v === 'bn' ? 'with BN' : 'without BN', pct(finalAccuracy(runs[v])), ...reach(runs[v]).map((s) => (s === null ? 'not reached' : String(s))), runs[v].seconds.toFixed(1)]),
        }],
      }],
      mainPlot,
      conclusion,
      metrics: { learningRate: lr, runs: { plain: { ...p, stepsTo: Object.fromEntries(TARGETS.map((t, i) => [t, reach(p)[i]])) }, bn: { ...b, stepsTo: Object.fromEntries(TARGETS.map((t, i) => [t, reach(b)[i]])) } } },
    };
  },
};
