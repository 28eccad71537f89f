import { train } from '@batchwise/layers';
import { selectBackend } from '../cli/backend-setup.js';
import { loadImageData } from '../data/image-data.js';
import { layers, type Layer } from '@batchwise/layers';
import { buildModel, IMAGE_INPUT_SHAPE } from '../presets/index.js';
import { linePlot } from '../report/svg-plot.js';
import { parsePositiveInt } from '../cli/parse.js';
import { addStepFlags, checkStepFlags, pct, type Experiment } from './common.js';
import { runSteps, type StepRun } from './step-runner.js';
import { accuracyStandardError, endAccuracy, meanOf, stdOf, TAIL } from './summary-stats.js';

/*
 * Where does BN go? The paper (section 3.2) and the article put it between
 * the linear map and the nonlinearity (dense/conv without bias -> BN ->
 * ReLU); many practitioners put it after the activation (dense/conv with
 * bias and ReLU -> BN). Same budget for both placements, MLP and CNN, on
 * Fashion-MNIST, repeated over --seeds: the two placements differ by about
 * a point, so one seed cannot tell them apart.
 */

export const PLACEMENT_DEFAULTS = { steps: 2000, evalEvery: 250, limit: 60000, batchSize: 64, learningRate: 1e-3, seeds: 3 } as const;
const NETS = ['MLP', 'CNN'] as const;
const PLACES = ['before', 'after'] as const;
type Net = 'MLP' | 'CNN';
type Place = 'before' | 'after';

function block(kind: Net, size: number, place: Place): Layer[] {
  const activation = place === 'after' ? 'relu' : 'linear';
  const useBias = place === 'after';
  // He initialisation for the ReLU convolutions, as the CLI's CNN presets.
  const linear = kind === 'CNN'
    ? layers.conv2d({ filters: size, kernelSize: 3, padding: 'same', useBias, activation, kernelInitializer: 'heNormal' })
    : layers.dense({ units: size, useBias, activation });
  return place === 'before' ? [linear, layers.batchNormalization(), layers.activation({ activation: 'relu' })] : [linear, layers.batchNormalization()];
}

function network(kind: Net, place: Place): Layer[] {
  const head = () => [layers.dense({ units: 10, activation: 'softmax' })];
  if (kind === 'MLP') return [layers.flatten(), ...block('MLP', 256, place), ...block('MLP', 128, place), ...head()];
  return [
    ...block('CNN', 16, place), layers.maxPooling2d({ poolSize: 2 }),
    ...block('CNN', 32, place), layers.maxPooling2d({ poolSize: 2 }),
    layers.flatten(), ...block('MLP', 128, place), ...head(),
  ];
}

export const placementExperiment: Experiment = {
  name: 'placement',
  description: 'BN before vs after the activation, for an MLP and a CNN (Fashion-MNIST)',
  configure(cmd) {
    addStepFlags(cmd, PLACEMENT_DEFAULTS.steps, PLACEMENT_DEFAULTS.evalEvery, PLACEMENT_DEFAULTS.limit);
    cmd.option('--seeds <n>', 'repeat every network with seeds seed, seed+1, ... and average', parsePositiveInt, PLACEMENT_DEFAULTS.seeds);
  },
  async run(o, out) {
    checkStepFlags(o);
    const nSeeds = (o as unknown as { seeds: number }).seeds;
    const backend = await selectBackend(o.backend);
    const trainData = loadImageData('fashion-mnist', 'train', o.limit);
    const testData = loadImageData('fashion-mnist', 'test', Math.min(o.limit!, 10000));
    const runs = {} as Record<`${Net} ${Place}`, StepRun[]>;
    for (let k = 0; k < nSeeds; k++) {
      for (const kind of NETS) {
        for (const place of PLACES) {
          const seed = o.seed + k;
          const model = buildModel(network(kind, place), IMAGE_INPUT_SHAPE, seed, `placement-${kind}-${place}`);
          model.compile({ optimizer: train.adam(PLACEMENT_DEFAULTS.learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
          (runs[`${kind} ${place}`] ??= []).push(await runSteps(model, trainData.images, trainData.oneHot, {
            steps: o.steps!, batchSize: PLACEMENT_DEFAULTS.batchSize, evalEvery: o.evalEvery!, seed,
            evalData: [testData.images, testData.oneHot], label: `${kind}, BN ${place} the activation, seed ${seed}`,
          }, out));
        }
      }
    }
    const ends = (key: `${Net} ${Place}`) => runs[key].map(endAccuracy);
    const end = (key: `${Net} ${Place}`) => meanOf(ends(key));
    const nTest = testData.labels.length;
    const se = accuracyStandardError(end('CNN before'), nTest);
    // Paired by seed (same batch order): before minus after, and the noise of its mean.
    const paired = Object.fromEntries(NETS.map((kind) => {
      const diffs = ends(`${kind} before`).map((b, i) => b - ends(`${kind} after`)[i]);
      const noise = 2 * Math.max((Math.SQRT2 * se) / Math.sqrt(nSeeds), stdOf(diffs) / Math.sqrt(Math.max(1, nSeeds - 1)));
      return [kind, { mean: meanOf(diffs), noise, diffs }];
    })) as Record<Net, { mean: number; noise: number; diffs: number[] }>;
    const seedsText = nSeeds === 1 ? 'one seed' : `mean of ${nSeeds} seeds`;
    const conclusion: string[] = [];
    for (const kind of NETS) {
      const d = paired[kind];
      const spread = (p: Place) => (nSeeds > 1 ? ` ± ${pct(stdOf(ends(`${kind} ${p}`)))}` : '');
      conclusion.push(`${kind}: ${pct(end(`${kind} before`))}${spread('before')} test accuracy with BN before the activation, ${pct(end(`${kind} after`))}${spread('after')} after it (${seedsText}, each the mean of the last ${TAIL} evaluations). ` +
        (Math.abs(d.mean) < d.noise
          ? `The difference, ${pct(Math.abs(d.mean))}, is within noise (${pct(d.noise)}): no measurable effect of the placement.`
          : `Before is ${d.mean > 0 ? 'better' : 'WORSE'} by ${pct(Math.abs(d.mean))}, beyond the noise of ${pct(d.noise)}.`));
    }
    const verdict = NETS.map((k) => (Math.abs(paired[k].mean) < paired[k].noise ? 0 : Math.sign(paired[k].mean)));
    conclusion.push(verdict.every((v) => v === 0)
      ? 'Neither network cares where BN goes within this budget: the article\'s text (before) and its code (after) train equally well here.'
      : verdict.some((v) => v < 0)
        ? 'At least one network does better with BN after the activation, against the paper\'s placement (the paper argues from the distribution of Wu, not from accuracy).'
        : 'Where the placement matters, the paper\'s placement (before the activation, as the article\'s text says) wins; the article\'s code examples put BN after it.');
    conclusion.push(`Noise: one test accuracy on ${nTest} images has a standard error of about ${pct(se)}; the seed-to-seed spread of the paired differences is counted too.`);
    // Curves averaged over seeds, point by point (every seed evaluates at the same steps).
    const meanCurve = (key: `${Net} ${Place}`) => runs[key][0].curve.map((c, i) => [c.step, meanOf(runs[key].map((r) => r.curve[i]?.evalAccuracy ?? Number.NaN))] as [number, number]);
    const series = (kind: Net) => PLACES.map((place) => ({ name: `BN ${place} activation`, points: meanCurve(`${kind} ${place}`) }));
    const floor = Math.max(0, Math.floor((Math.min(...NETS.flatMap((k) => PLACES.map((p) => end(`${k} ${p}`)))) - 0.1) * 10) / 10);
    const mainPlot = linePlot(NETS.flatMap((kind, k) => series(kind).map((s, i) => ({ ...s, name: `${kind}, ${s.name}`, colorIndex: k, dashed: i === 1 }))),
      { title: 'Test accuracy: BN before (solid) / after (dashed)', xLabel: 'training step', yLabel: `accuracy (from ${pct(floor)})`, yRange: [Number.isFinite(floor) ? floor : 0, 1] });
    return {
      title: 'Experiment: Batch Norm before or after the activation?',
      summary: `Fashion-MNIST, Adam lr ${PLACEMENT_DEFAULTS.learningRate}, batch ${PLACEMENT_DEFAULTS.batchSize}, ${o.steps} steps per network, ${seedsText}: BN between the linear map (no bias) and ReLU, versus after ReLU (linear map with bias). Curves are averaged over seeds.`,
      meta: [['backend', backend.name], ['seeds', Array.from({ length: nSeeds }, (_, k) => o.seed + k).join(', ')], ['steps', String(o.steps)], ['train / test examples', `${trainData.labels.length} / ${nTest}`]],
      sections: [{ heading: 'Both networks', plots: [mainPlot] }, ...NETS.map((kind) => ({
        heading: kind,
        plots: [linePlot(series(kind), { title: `${kind}: test accuracy`, xLabel: 'training step', yLabel: 'accuracy', yRange: [0, 1] as const })],
        tables: [{
          header: ['placement', `end accuracy (${seedsText})`, 'per seed', 'seconds per run'],
          rows: PLACES.map((p) => [`BN ${p} activation`, pct(end(`${kind} ${p}`)), ends(`${kind} ${p}`).map(pct).join(', '), meanOf(runs[`${kind} ${p}`].map((r) => r.seconds)).toFixed(1)]),
        }],
      }))],
      mainPlot,
      conclusion,
      metrics: {
        seeds: nSeeds, testStandardError: se, paired,
        endAccuracy: Object.fromEntries(Object.keys(runs).map((k) => [k, ends(k as `${Net} ${Place}`)])),
        runs: Object.fromEntries(Object.entries(runs).map(([k, rs]) => [k, rs[0]])),
        curves: Object.fromEntries(Object.keys(runs).map((k) => [k, meanCurve(k as `${Net} ${Place}`)])),
      },
    };
  },
};
