import { train } from '@batchwise/layers';
import { selectBackend } from '../cli/backend-setup.js';
import { parsePositiveNumber } from '../cli/parse.js';
import { loadImageData } from '../data/image-data.js';
import { buildModel, IMAGE_INPUT_SHAPE } from '../presets/index.js';
import { linePlot } from '../report/svg-plot.js';
import { addStepFlags, checkStepFlags, paperMlp, pct, type Experiment } from './common.js';
import { finalAccuracy, runSteps, stepsToReach, type StepRun } from './step-runner.js';
import { accuracyStandardError, endAccuracy, TAIL } from './summary-stats.js';

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
    const nTest = testData.labels.length;
    const [fp, fb] = [endAccuracy(p), endAccuracy(b)];
    // Binomial standard error of one evaluation: differences below two of these are noise.
    const se = accuracyStandardError(fp, nTest);
    const conclusion: string[] = [];
    conclusion.push(`At the end (mean of the last ${Math.min(TAIL, p.curve.length - 1)} evaluations) the network with BN has ${pct(fb)} test accuracy, the one without ${pct(fp)}; one evaluation on ${nTest} images has a standard error of about ${pct(se)}.`);
    TARGETS.forEach((t, i) => {
      const sp = reach(p)[i];
      const sb = reach(b)[i];
      if (sb !== null && sp !== null) conclusion.push(`To reach ${pct(t)}: ${sb} steps with BN, ${sp} without (${(sp / Math.max(1, sb)).toFixed(1)}x as many).`);
      else if (sb !== null) conclusion.push(`With BN the test accuracy reaches ${pct(t)} after ${sb} steps; without BN it never does within ${o.steps} steps.`);
      else if (sp !== null) conclusion.push(`Without BN the test accuracy reaches ${pct(t)} after ${sp} steps; with BN it never does within ${o.steps} steps.`);
      else conclusion.push(`Neither network reaches ${pct(t)} within ${o.steps} steps.`);
    });
    const [sp, sb] = [reach(p)[0], reach(b)[0]];
    conclusion.push(
      sb !== null && (sp === null || sb < sp)
        ? `Speed: with the same learning rate the BN network reaches ${pct(TARGETS[0])} ${sp === null ? 'and the plain one never does' : `${(sp / Math.max(1, sb)).toFixed(1)}x sooner`}, which agrees with the claim that Batch Norm speeds up training.`
        : `Speed: the BN network is not faster to ${pct(TARGETS[0])} here, which disagrees with the claim (try another --lr: the gap depends on it).`,
    );
    const diff = fb - fp;
    conclusion.push(
      Math.abs(diff) < 2 * se
        ? `Final accuracy: the two end ${pct(Math.abs(diff))} apart, within noise. The paper's BN network ends clearly higher; that part of the claim is not reproduced here.`
        : diff > 0
          ? `Final accuracy: BN ends ${pct(diff)} higher, more than twice the standard error, as the paper reports.`
          : `Final accuracy: BN ends ${pct(-diff)} LOWER, more than twice the standard error, against the paper.`,
    );
    const half = (r: StepRun) => r.curve.find((c) => c.step >= o.steps! / 2)?.evalAccuracy ?? Number.NaN;
    if (Math.abs(half(p) - fp) < 2 * se && Math.abs(half(b) - fb) < 2 * se) {
      conclusion.push(`Both networks were already on their plateau at step ${Math.ceil(o.steps! / 2)}: with ${trainData.labels.length} training images (the paper used 60,000) the end accuracy is limited by the data, not by how fast the optimizer gets there.`);
    }
    if (o.steps! < 50_000) conclusion.push(`The paper trains for 50,000 steps; this run used ${o.steps}, so only the early part of figure 1a is reproduced.`);
    const series = (['plain', 'bn'] as const).map((v) => ({ name: v === 'bn' ? 'with BN' : 'without BN', points: runs[v].curve.map((c) => [c.step, c.evalAccuracy] as [number, number]) }));
    const lossSeries = (['plain', 'bn'] as const).map((v) => ({ name: v === 'bn' ? 'with BN' : 'without BN', points: runs[v].curve.filter((c) => c.step > 0).map((c) => [c.step, c.trainLoss] as [number, number]) }));
    // Zoom on where the curves end, as the paper's figure 1a does; earlier points are clipped to the frame.
    const floor = Math.max(0, Math.floor((Math.min(fp, fb) - 0.1) * 10) / 10);
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
          header: ['network', 'final accuracy', `end accuracy (mean of last ${TAIL})`, ...TARGETS.map((t) => `steps to ${pct(t)}`), 'seconds'],
          rows: (['plain', 'bn'] as const).map((v) => [v === 'bn' ? 'with BN' : 'without BN', pct(finalAccuracy(runs[v])), pct(endAccuracy(runs[v])), ...reach(runs[v]).map((s) => (s === null ? 'not reached' : String(s))), runs[v].seconds.toFixed(1)]),
        }],
      }],
      mainPlot,
      conclusion,
      metrics: { learningRate: lr, endAccuracy: { plain: fp, bn: fb }, standardError: se, runs: { plain: { ...p, stepsTo: Object.fromEntries(TARGETS.map((t, i) => [t, reach(p)[i]])) }, bn: { ...b, stepsTo: Object.fromEntries(TARGETS.map((t, i) => [t, reach(b)[i]])) } } },
    };
  },
};
