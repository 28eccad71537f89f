import { Tensor } from '@batchwise/core';
import { train, type LayersModel } from '@batchwise/layers';
import { selectBackend } from '../cli/backend-setup.js';
import { parseNonNegativeInt, parsePositiveNumber } from '../cli/parse.js';
import { loadImageData } from '../data/image-data.js';
import { buildModel, IMAGE_INPUT_SHAPE } from '../presets/build-model.js';
import type { LayerSpec } from '../presets/spec.js';
import { formatNumber } from '../report/html-escape.js';
import { linePlot } from '../report/svg-plot.js';
import { sliceRows } from '../training/batches.js';
import { percentile, sortedCopy } from '../training/stats.js';
import { UsageError } from '../cli/errors.js';
import { addStepFlags, checkStepFlags, pct, type Experiment } from './common.js';
import { finalAccuracy, runSteps } from './step-runner.js';

/*
 * Claim (paper section 1 and figure 1b,c; the article's section 3.3): BN
 * reduces internal covariate shift, i.e. the distribution of a hidden unit's
 * input changes less during training. Measured as the paper does: the 15th,
 * 50th and 85th percentiles of the input to one sigmoid of the last hidden
 * layer, over a fixed set of test images, at every evaluation step. The
 * probe only reads the model, it never changes it.
 */

export const SHIFT_DEFAULTS = { steps: 50_000, evalEvery: 500, batchSize: 60, learningRate: 0.5, unit: 0, probe: 1000 } as const;
const PERCENTILES = [15, 50, 85] as const;
const HIDDEN_UNITS = 100;

/** The paper MLP with the sigmoid as its own layer, so its input can be read. */
function probeableMlp(bn: boolean): LayerSpec[] {
  const layers: LayerSpec[] = [{ type: 'flatten' }];
  for (let i = 0; i < 3; i++) {
    layers.push({ type: 'dense', units: HIDDEN_UNITS, useBias: !bn });
    if (bn) layers.push({ type: 'batchNormalization' });
    layers.push({ type: 'activation', activation: 'sigmoid' });
  }
  layers.push({ type: 'dense', units: 10, activation: 'softmax' });
  return layers;
}

/**
 * Input of every unit of the last sigmoid layer for every probe image, one
 * column per unit. Layers run
 * in inference mode, except that the last BN normalizes with the probe's own
 * batch statistics, as in training: the moving averages lag the weights by
 * ~1/(1 - momentum) = 100 steps, and that lag would show up as shift.
 */
function unitInputs(model: LayersModel, probe: Tensor): Float64Array[] {
  const layers = model.layers;
  const lastSigmoid = layers.map((l) => l.className).lastIndexOf('Activation');
  const bn = layers[lastSigmoid - 1]?.className === 'BatchNormalization' ? layers[lastSigmoid - 1] : null;
  let t = probe;
  for (const layer of layers.slice(0, bn ? lastSigmoid - 1 : lastSigmoid)) t = layer.apply(t, { training: false });
  const width = t.shape[1];
  const x = t;
  return Array.from({ length: width }, (_, unit) => {
    const column = Float64Array.from({ length: x.shape[0] }, (_, r) => x.data[r * width + unit]);
    if (!bn) return column;
    // Two-pass biased variance, as Keras' batch statistics (STYLE.md section 5).
    const mean = column.reduce((a, v) => a + v, 0) / column.length;
    const variance = column.reduce((a, v) => a + (v - mean) ** 2, 0) / column.length;
    const weight = (name: string, fallback: number) => bn.weights.find((w) => w.name === name)?.value.data[unit] ?? fallback;
    const gamma = weight('gamma', 1);
    const beta = weight('beta', 0);
    const epsilon = (bn as unknown as { epsilon: number }).epsilon;
    return column.map((v) => gamma * ((v - mean) / Math.sqrt(variance + epsilon)) + beta);
  });
}

interface Track { step: number; p: number[] }

/** Median drift in units of the mean 15-85 spread (see `relative` below), for one unit's track. */
function relativeMedianDrift(track: Track[]): number {
  const meanSpread = track.slice(1).reduce((a, x) => a + (x.p[2] - x.p[0]), 0) / Math.max(1, track.length - 1);
  return drift(track)[1] / meanSpread;
}

function median(values: number[]): number {
  return percentile(sortedCopy(values), 50);
}

/** Sum of |change| of each percentile between evaluations, from the first training evaluation on. */
function drift(track: Track[]): number[] {
  return PERCENTILES.map((_, i) => track.slice(2).reduce((s, t, k) => s + Math.abs(t.p[i] - track[k + 1].p[i]), 0));
}

export const covariateShiftExperiment: Experiment = {
  name: 'covariate-shift',
  description: "15th/50th/85th percentiles of one hidden unit's input during training, with and without BN (paper figure 1b,c)",
  configure(cmd) {
    addStepFlags(cmd, SHIFT_DEFAULTS.steps, SHIFT_DEFAULTS.evalEvery);
    cmd.option('--lr <rate>', 'SGD learning rate', parsePositiveNumber, SHIFT_DEFAULTS.learningRate);
    cmd.option('--unit <index>', `which unit of the last hidden layer to watch (0-${HIDDEN_UNITS - 1})`, parseNonNegativeInt, SHIFT_DEFAULTS.unit);
  },
  async run(o, out) {
    const { lr, unit } = o as unknown as { lr: number; unit: number };
    checkStepFlags(o);
    if (unit >= HIDDEN_UNITS) throw new UsageError(`--unit must be below ${HIDDEN_UNITS} (the last hidden layer's width), received ${unit}.`);
    const backend = await selectBackend(o.backend);
    const trainData = loadImageData('mnist', 'train', o.limit);
    const testData = loadImageData('mnist', 'test', o.limit);
    const probe = sliceRows(testData.images, 0, Math.min(SHIFT_DEFAULTS.probe, testData.labels.length));
    const tracks: Record<'plain' | 'bn', Track[]> = { plain: [], bn: [] };
    // Every unit of the layer, so the chosen one can be compared with its neighbours (no cherry-picking).
    const allTracks: Record<'plain' | 'bn', Track[][]> = { plain: [], bn: [] };
    const accuracy: Record<'plain' | 'bn', number> = { plain: 0, bn: 0 };
    for (const variant of ['plain', 'bn'] as const) {
      const model = buildModel(probeableMlp(variant === 'bn'), IMAGE_INPUT_SHAPE, o.seed, `shift-${variant}`);
      model.compile({ optimizer: train.sgd(lr), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      const run = await runSteps(model, trainData.images, trainData.oneHot, {
        steps: o.steps!, batchSize: SHIFT_DEFAULTS.batchSize, evalEvery: o.evalEvery!, seed: o.seed,
        evalData: [testData.images, testData.oneHot], label: variant === 'bn' ? 'with BN' : 'without BN',
        onEval: (step) => {
          unitInputs(model, probe).forEach((column, u) => {
            const sorted = sortedCopy(column);
            const point = { step, p: PERCENTILES.map((q) => percentile(sorted, q)) };
            (allTracks[variant][u] ??= []).push(point);
            if (u === unit) tracks[variant].push(point);
          });
        },
      }, out);
      accuracy[variant] = finalAccuracy(run);
    }
    const d = { plain: drift(tracks.plain), bn: drift(tracks.bn) };
    const spread = (t: Track[]) => t[t.length - 1].p[2] - t[t.length - 1].p[0];
    // Movement in units of the distribution's own width, so a net whose inputs are simply larger is not penalized.
    const meanSpread = (t: Track[]) => t.slice(1).reduce((a, x) => a + (x.p[2] - x.p[0]), 0) / Math.max(1, t.length - 1);
    const relative = { plain: d.plain[1] / meanSpread(tracks.plain), bn: d.bn[1] / meanSpread(tracks.bn) };
    const perUnit = { plain: allTracks.plain.map(relativeMedianDrift), bn: allTracks.bn.map(relativeMedianDrift) };
    const layerMedian = { plain: median(perUnit.plain), bn: median(perUnit.bn) };
    const bnBelowPlainMedian = perUnit.bn.filter((v) => v < layerMedian.plain).length / Math.max(1, perUnit.bn.length);
    const conclusion = [
      `Total movement of the 15th/50th/85th percentiles over training: without BN ${d.plain.map((v) => formatNumber(v, 3)).join(' / ')}, with BN ${d.bn.map((v) => formatNumber(v, 3)).join(' / ')}.`,
      `The median moved ${formatNumber(d.plain[1], 3)} without BN and ${formatNumber(d.bn[1], 3)} with BN; the final 15-85 spread is ${formatNumber(spread(tracks.plain), 3)} without and ${formatNumber(spread(tracks.bn), 3)} with BN.`,
      `Relative to the mean 15-85 spread, the median moved ${formatNumber(relative.plain, 3)} spreads without BN and ${formatNumber(relative.bn, 3)} with BN.`,
      relative.bn < relative.plain
        ? 'The unit\'s input distribution is more stable with BN, as the paper\'s figure 1 shows.'
        : 'Here the unit\'s input does not move less with BN, against the paper\'s figure 1: normalization fixes the batch mean and variance, but the learned gamma and beta still move the distribution (try more --steps, or another --unit).',
      `Over all ${perUnit.bn.length} units of the layer, the median of this relative drift is ${formatNumber(layerMedian.plain, 3)} without BN and ${formatNumber(layerMedian.bn, 3)} with BN; ${pct(bnBelowPlainMedian)} of the BN units move less than the typical plain unit. ` +
        (layerMedian.bn < layerMedian.plain ? 'So the layer as a whole agrees with the watched unit: less shift with BN.' : 'So over the whole layer BN does NOT reduce this shift, against the claim.'),
      `Final test accuracy: ${pct(accuracy.bn)} with BN, ${pct(accuracy.plain)} without.`,
      'Later work (Santurkar et al. 2018, "How does batch normalization help optimization?") argues the gain comes from a smoother loss landscape rather than from less covariate shift; this measurement shows the shift, not the cause.',
    ];
    const plot = (variant: 'plain' | 'bn') => linePlot(
      PERCENTILES.map((q, i) => ({ name: `${q}th percentile`, points: tracks[variant].map((t) => [t.step, t.p[i]] as [number, number]) })),
      { title: `Input to unit ${unit} of hidden layer 3, ${variant === 'bn' ? 'with' : 'without'} BN`, xLabel: 'training step', yLabel: 'unit input (pre-sigmoid)' },
    );
    // Both networks in one frame, as a reader compares figure 1b with 1c: solid without BN, dashed with.
    const mainPlot = linePlot(
      (['plain', 'bn'] as const).flatMap((variant) => PERCENTILES.map((q, i) => ({
        name: `${variant === 'bn' ? 'BN' : 'plain'} p${q}`, dashed: variant === 'bn', colorIndex: i,
        points: tracks[variant].map((t) => [t.step, t.p[i]] as [number, number]),
      }))),
      { title: `Input to sigmoid unit ${unit} of hidden layer 3`, xLabel: 'training step', yLabel: 'unit input (pre-sigmoid)' },
    );
    return {
      title: 'Experiment: does Batch Norm reduce internal covariate shift?',
      summary: `MNIST, 3 hidden layers of 100 sigmoid units, batch ${SHIFT_DEFAULTS.batchSize}, SGD lr ${lr}: the distribution of one last-layer unit's input over ${probe.shape[0]} test images during training (Ioffe & Szegedy 2015, figure 1b,c).`,
      meta: [['backend', backend.name], ['seed', String(o.seed)], ['steps', String(o.steps)], ['unit', String(unit)], ['probe images', String(probe.shape[0])]],
      sections: [{ heading: 'Percentiles of the unit input over training', plots: [mainPlot, plot('plain'), plot('bn')],
        tables: [{ header: ['network', 'drift p15', 'drift p50', 'drift p85', 'final spread', 'test accuracy'],
          rows: (['plain', 'bn'] as const).map((v) => [v === 'bn' ? 'with BN' : 'without BN', ...d[v].map((x) => formatNumber(x, 3)), formatNumber(spread(tracks[v]), 3), pct(accuracy[v])]) }] }],
      conclusion,
      mainPlot,
      metrics: { unit, learningRate: lr, percentiles: PERCENTILES, tracks, drift: d, relativeMedianDrift: relative, layer: { relativeMedianDrift: perUnit, median: layerMedian, bnBelowPlainMedian }, accuracy },
    };
  },
};
