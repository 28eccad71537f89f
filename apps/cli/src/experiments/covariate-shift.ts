import { Tensor } from '@batchwise/core';
import { layers as L, train, type Layer, type LayersModel } from '@batchwise/layers';
import { selectBackend } from '../cli/backend-setup.js';
import { parseNonNegativeInt, parsePositiveNumber } from '../cli/parse.js';
import { loadImageData } from '../data/image-data.js';
import { buildModel, IMAGE_INPUT_SHAPE } from '../presets/index.js';
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
function probeableMlp(bn: boolean): Layer[] {
  const stack: Layer[] = [L.flatten()];
  for (let i = 0; i < 3; i++) {
    stack.push(L.dense({ units: HIDDEN_UNITS, useBias: !bn }));
    if (bn) stack.push(L.batchNormalization());
    stack.push(L.activation({ activation: 'sigmoid' }));
  }
  stack.push(L.dense({ units: 10, activation: 'softmax' }));
  return stack;
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

/** Mean 15-85 width from the first training evaluation on: the unit of every shift below. */
function meanWidth(track: Track[]): number {
  return track.slice(1).reduce((a, x) => a + (x.p[2] - x.p[0]), 0) / Math.max(1, track.length - 1);
}

/**
 * Net shift of each percentile, |end - first training evaluation|: the
 * systematic drift figure 1b shows. Step 0 is left out (a random network is
 * not a distribution the layer above ever trains on).
 */
function netShift(track: Track[]): number[] {
  const first = track[Math.min(1, track.length - 1)];
  const last = track[track.length - 1];
  return PERCENTILES.map((_, i) => Math.abs(last.p[i] - first.p[i]));
}

/** Sum of |change| between evaluations: drift plus evaluation-to-evaluation jitter. */
function pathLength(track: Track[]): number[] {
  return PERCENTILES.map((_, i) => track.slice(2).reduce((s, t, k) => s + Math.abs(t.p[i] - track[k + 1].p[i]), 0));
}

/** Net shift of the median in 15-85 widths, for one unit's track. */
function relativeMedianShift(track: Track[]): number {
  return netShift(track)[1] / meanWidth(track);
}

function median(values: number[]): number {
  return percentile(sortedCopy(values), 50);
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
    const v2 = ['plain', 'bn'] as const;
    const shift = { plain: netShift(tracks.plain), bn: netShift(tracks.bn) };
    const path = { plain: pathLength(tracks.plain), bn: pathLength(tracks.bn) };
    const width = (t: Track[], i: number) => t[i].p[2] - t[i].p[0];
    const widths = Object.fromEntries(v2.map((v) => [v, { first: width(tracks[v], Math.min(1, tracks[v].length - 1)), last: width(tracks[v], tracks[v].length - 1) }])) as Record<'plain' | 'bn', { first: number; last: number }>;
    // Shifts in units of the distribution's own width, so a network whose inputs are simply larger is not penalized.
    const relative = { plain: shift.plain[1] / meanWidth(tracks.plain), bn: shift.bn[1] / meanWidth(tracks.bn) };
    const relativePath = { plain: path.plain[1] / meanWidth(tracks.plain), bn: path.bn[1] / meanWidth(tracks.bn) };
    const perUnit = { plain: allTracks.plain.map(relativeMedianShift), bn: allTracks.bn.map(relativeMedianShift) };
    const layerMedian = { plain: median(perUnit.plain), bn: median(perUnit.bn) };
    const bnBelowPlainMedian = perUnit.bn.filter((v) => v < layerMedian.plain).length / Math.max(1, perUnit.bn.length);
    const from = tracks.plain[Math.min(1, tracks.plain.length - 1)].step;
    const f = (v: number) => formatNumber(v, 3);
    const conclusion = [
      `Net shift of unit ${unit}'s 15th/50th/85th input percentiles from step ${from} to step ${o.steps}: without BN ${shift.plain.map(f).join(' / ')}, with BN ${shift.bn.map(f).join(' / ')}. ` +
        `In units of the distribution's own 15-85 width, the median shifted ${f(relative.plain)} without BN and ${f(relative.bn)} with BN.`,
      relative.bn < relative.plain
        ? 'For this unit the input distribution stays more stable with BN, as the paper\'s figure 1b/c shows.'
        : 'For this unit the input does not shift less with BN, against the paper\'s figure 1b/c.',
      `Over all ${perUnit.bn.length} units of the layer, the median relative shift is ${f(layerMedian.plain)} without BN and ${f(layerMedian.bn)} with BN; ${pct(bnBelowPlainMedian)} of the BN units shift less than the typical plain unit. ` +
        (layerMedian.bn < layerMedian.plain ? 'So the layer as a whole agrees with the claim: less internal covariate shift with BN.' : 'So over the whole layer BN does NOT reduce this shift, against the claim.'),
      `The 15-85 width went from ${f(widths.plain.first)} to ${f(widths.plain.last)} without BN and from ${f(widths.bn.first)} to ${f(widths.bn.last)} with BN: BN fixes the batch mean and variance of the normalized value, but its learned gamma and beta still change the sigmoid's input, so BN does not freeze the distribution, it only removes the drift the layers below would cause.`,
      `Path length of the median (every change between evaluations added up, so it also counts jitter): ${f(relativePath.plain)} widths without BN, ${f(relativePath.bn)} with BN.` +
        (relativePath.bn > relativePath.plain && relative.bn < relative.plain ? ' With BN the input jitters more from one evaluation to the next but does not drift: a measure that adds up every change would wrongly call that more shift.' : ''),
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
        tables: [{ header: ['network', 'shift p15', 'shift p50', 'shift p85', 'median shift / width', 'layer median of that', '15-85 width first → last', 'test accuracy'],
          rows: v2.map((v) => [v === 'bn' ? 'with BN' : 'without BN', ...shift[v].map(f), f(relative[v]), f(layerMedian[v]), `${f(widths[v].first)} → ${f(widths[v].last)}`, pct(accuracy[v])]) }] }],
      conclusion,
      mainPlot,
      metrics: { unit, learningRate: lr, percentiles: PERCENTILES, tracks, netShift: shift, pathLength: path, widths, relativeMedianShift: relative, relativeMedianPath: relativePath, layer: { relativeMedianShift: perUnit, median: layerMedian, bnBelowPlainMedian }, accuracy },
    };
  },
};
