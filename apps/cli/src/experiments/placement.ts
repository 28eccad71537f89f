import { train } from '@batchwise/layers';
import { selectBackend } from '../cli/backend-setup.js';
import { loadImageData } from '../data/image-data.js';
import { buildModel, IMAGE_INPUT_SHAPE } from '../presets/build-model.js';
import type { LayerSpec } from '../presets/spec.js';
import { linePlot } from '../report/svg-plot.js';
import { addStepFlags, checkStepFlags, pct, type Experiment } from './common.js';
import { finalAccuracy, runSteps, type StepRun } from './step-runner.js';

/*
 * Where does BN go? The paper (section 3.2) and the article put it between
 * the linear map and the nonlinearity (dense/conv without bias -> BN ->
 * ReLU); many practitioners put it after the activation (dense/conv with
 * bias and ReLU -> BN). Same budget for both placements, MLP and CNN, on
 * Fashion-MNIST.
 */

export const PLACEMENT_DEFAULTS = { steps: 3000, evalEvery: 250, limit: 60000, batchSize: 64, learningRate: 1e-3 } as const;
type Net = 'MLP' | 'CNN';
type Place = 'before' | 'after';

function block(kind: Net, size: number, place: Place): LayerSpec[] {
  const linear: LayerSpec = kind === 'CNN'
    ? { type: 'conv2d', filters: size, kernelSize: 3, padding: 'same', useBias: place === 'after', activation: place === 'after' ? 'relu' : 'linear' }
    : { type: 'dense', units: size, useBias: place === 'after', activation: place === 'after' ? 'relu' : 'linear' };
  return place === 'before'
    ? [linear, { type: 'batchNormalization' }, { type: 'activation', activation: 'relu' }]
    : [linear, { type: 'batchNormalization' }];
}

function network(kind: Net, place: Place): LayerSpec[] {
  if (kind === 'MLP') return [{ type: 'flatten' }, ...block('MLP', 256, place), ...block('MLP', 128, place), { type: 'dense', units: 10, activation: 'softmax' }];
  return [
    ...block('CNN', 16, place), { type: 'maxPooling2d', poolSize: 2 },
    ...block('CNN', 32, place), { type: 'maxPooling2d', poolSize: 2 },
    { type: 'flatten' }, ...block('MLP', 128, place), { type: 'dense', units: 10, activation: 'softmax' },
  ];
}

export const placementExperiment: Experiment = {
  name: 'placement',
  description: 'BN before vs after the activation, for an MLP and a CNN (Fashion-MNIST)',
  configure(cmd) {
    addStepFlags(cmd, PLACEMENT_DEFAULTS.steps, PLACEMENT_DEFAULTS.evalEvery, PLACEMENT_DEFAULTS.limit);
  },
  async run(o, out) {
    checkStepFlags(o);
    const backend = await selectBackend(o.backend);
    const trainData = loadImageData('fashion-mnist', 'train', o.limit);
    const testData = loadImageData('fashion-mnist', 'test', Math.min(o.limit!, 10000));
    const runs = {} as Record<`${Net} ${Place}`, StepRun>;
    for (const kind of ['MLP', 'CNN'] as const) {
      for (const place of ['before', 'after'] as const) {
        const model = buildModel(network(kind, place), IMAGE_INPUT_SHAPE, o.seed, `placement-${kind}-${place}`);
        model.compile({ optimizer: train.adam(PLACEMENT_DEFAULTS.learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
        runs[`${kind} ${place}`] = await runSteps(model, trainData.images, trainData.oneHot, {
          steps: o.steps!, batchSize: PLACEMENT_DEFAULTS.batchSize, evalEvery: o.evalEvery!, seed: o.seed,
          evalData: [testData.images, testData.oneHot], label: `${kind}, BN ${place} the activation`,
        }, out);
      }
    }
    const conclusion: string[] = [];
    for (const kind of ['MLP', 'CNN'] as const) {
      const b = finalAccuracy(runs[`${kind} before`]);
      const a = finalAccuracy(runs[`${kind} after`]);
      const diff = Math.abs(b - a);
      conclusion.push(`${kind}: ${pct(b)} with BN before the activation, ${pct(a)} after it` +
        (diff < 0.005 ? ' - no meaningful difference.' : `; ${b > a ? 'before' : 'after'} is ${pct(diff)} better.`));
    }
    const wins = (['MLP', 'CNN'] as const).filter((k) => finalAccuracy(runs[`${k} before`]) >= finalAccuracy(runs[`${k} after`])).length;
    conclusion.push(wins === 2
      ? 'Both networks do at least as well with the paper\'s placement (before the activation).'
      : wins === 0
        ? 'Both networks do better with BN after the activation: against the paper\'s recommendation, though the paper argues from the distribution of Wu, not from accuracy.'
        : 'The placements split: which one wins depends on the network, so the paper\'s placement is a sound default rather than a rule.');
    // Binomial standard error of one test accuracy; seed-to-seed variation adds to it.
    const se = Math.sqrt(0.1 * 0.9 / testData.labels.length);
    conclusion.push(`One seed and ${o.steps} steps on ${testData.labels.length} test images: one accuracy has a standard error of about ${pct(se)} at 90%, and seed-to-seed variation adds to that, so differences under about ${pct(3 * se)} are not evidence either way; repeat with other --seed values before drawing firm conclusions.`);
    const series = (kind: Net) => (['before', 'after'] as const).map((place) => ({ name: `BN ${place} activation`, points: runs[`${kind} ${place}`].curve.map((c) => [c.step, c.evalAccuracy] as [number, number]) }));
    const mainPlot = linePlot((['MLP', 'CNN'] as const).flatMap((kind, k) => series(kind).map((s, i) => ({ ...s, name: `${kind}, ${s.name}`, colorIndex: k, dashed: i === 1 }))),
      { title: 'Test accuracy: BN before (solid) / after (dashed)', xLabel: 'training step', yLabel: 'accuracy', yRange: [0, 1] });
    return {
      title: 'Experiment: Batch Norm before or after the activation?',
      summary: `Fashion-MNIST, Adam lr ${PLACEMENT_DEFAULTS.learningRate}, batch ${PLACEMENT_DEFAULTS.batchSize}, ${o.steps} steps per network: BN between the linear map (no bias) and ReLU, versus after ReLU (linear map with bias).`,
      meta: [['backend', backend.name], ['seed', String(o.seed)], ['steps', String(o.steps)], ['train / test examples', `${trainData.labels.length} / ${testData.labels.length}`]],
      sections: [{ heading: 'Both networks', plots: [mainPlot] }, ...(['MLP', 'CNN'] as const).map((kind) => ({
        heading: kind,
        plots: [linePlot(series(kind), { title: `${kind}: test accuracy`, xLabel: 'training step', yLabel: 'accuracy', yRange: [0, 1] })],
        tables: [{ header: ['placement', 'final test accuracy', 'seconds'], rows: (['before', 'after'] as const).map((p) => [`BN ${p} activation`, pct(finalAccuracy(runs[`${kind} ${p}`])), runs[`${kind} ${p}`].seconds.toFixed(1)]) }],
      }))],
      mainPlot,
      conclusion,
      metrics: { runs },
    };
  },
};
