import { lineChart, panelGrid, type PlotSpec } from '../report/plot-spec.js';
import type { ReportSection } from '../report/html-report.js';
import { pct, type ExperimentResult } from './common.js';
import { compareRuns, compareValues, points, type Comparison } from './compare.js';
import { formatInterval, geometricIntervalOf, intervalOf, meanCurve, meanOf, type Interval } from './intervals.js';
import { INITIALIZER_TEXT, type InitializerChoice } from './networks.js';
import { alignCurves, finalAccuracy, stepsToReach, type StepRun } from './step-runner.js';

/*
 * The speed experiment's numbers, verdicts and plots. Per initialiser and
 * learning rate: the final test accuracy (the last evaluation) with its
 * interval over seeds and the paired BN-vs-plain tests; and the steps to
 * reach each target accuracy, compared as the per-seed ratio plain / BN
 * (a t-interval on its logarithm, so "2x sooner" and "half as fast" are
 * symmetric). Every learning rate is reported; none is picked for the
 * headline.
 */

export const TARGETS = [0.9, 0.93] as const;

export type SpeedRuns = Record<string, Record<string, { plain: StepRun[]; bn: StepRun[] }>>;

interface Reach {
  target: number;
  /** Steps to the target per seed; null = not within the budget. */
  plain: (number | null)[];
  bn: (number | null)[];
  /** Geometric-mean ratio plain / BN with its t-interval (budget steps stand in for "not reached": a bound). */
  ratio: Interval;
  comparison: Comparison;
  /** 'faster' / 'slower' when the interval excludes 1; bounds count only in the direction they bound. */
  verdict: 'faster' | 'slower' | 'not distinguishable';
}

interface Cell {
  init: InitializerChoice;
  lr: number;
  final: { plain: Interval; bn: Interval };
  finalComparison: Comparison;
  reach: Reach[];
}

export interface SpeedContext {
  initializers: InitializerChoice[];
  lrs: number[];
  seeds: number[];
  steps: number;
}

const steps = (v: number) => Math.round(v).toLocaleString('en-US');
const ratioText = (v: number) => `${v.toFixed(2)}x`;

function reachOf(runs: { plain: StepRun[]; bn: StepRun[] }, target: number, ctx: SpeedContext): Reach {
  const plain = runs.plain.map((r) => stepsToReach(r, target));
  const bn = runs.bn.map((r) => stepsToReach(r, target));
  const budget = (s: number | null) => s ?? ctx.steps;
  const logPlain = plain.map((s) => Math.log(budget(s)));
  const logBn = bn.map((s) => Math.log(budget(s)));
  const comparison = compareValues('without BN', 'with BN', `log steps to ${pct(target, 0)}`, logPlain, logBn, { seeds: ctx.seeds, formatDifference: (v) => ratioText(Math.exp(v)) });
  const d = comparison.difference;
  const ratio: Interval = { mean: Math.exp(d.mean), lower: Math.exp(d.lower), upper: Math.exp(d.upper), n: ctx.seeds.length };
  // A run that never reached the target counts as the budget: that understates its steps, so the
  // ratio is a lower bound when only plain runs are cut off and an upper bound when only BN runs are.
  const plainCut = plain.some((s) => s === null);
  const bnCut = bn.some((s) => s === null);
  let verdict: Reach['verdict'] = 'not distinguishable';
  if (plain.every((s) => s === null) && bn.every((s) => s === null)) verdict = 'not distinguishable';
  else if (d.lower > 0 && !bnCut) verdict = 'faster';
  else if (d.upper < 0 && !plainCut) verdict = 'slower';
  return { target, plain, bn, ratio, comparison, verdict };
}

function cellOf(init: InitializerChoice, lr: number, runs: { plain: StepRun[]; bn: StepRun[] }, ctx: SpeedContext): Cell {
  const value = (r: StepRun) => ({ value: finalAccuracy(r), perExample: r.finalCorrect ?? undefined });
  return {
    init, lr,
    final: { plain: intervalOf(runs.plain.map(finalAccuracy)), bn: intervalOf(runs.bn.map(finalAccuracy)) },
    finalComparison: compareRuns('with BN', 'without BN', 'final test accuracy', runs.bn.map(value), runs.plain.map(value), { seeds: ctx.seeds, formatDifference: points }),
    reach: TARGETS.map((t) => reachOf(runs, t, ctx)),
  };
}

function reachText(r: Reach, steps0: number): string {
  const reached = (v: (number | null)[]) => v.filter((s) => s !== null).length;
  const n = r.plain.length;
  if (reached(r.plain) === 0 && reached(r.bn) === 0) return `neither network reaches ${pct(r.target, 0)} within ${steps(steps0)} steps in any seed`;
  const cut = reached(r.plain) < n || reached(r.bn) < n
    ? ` (reached within ${steps(steps0)} steps by ${reached(r.bn)}/${n} BN and ${reached(r.plain)}/${n} plain runs; a run that did not counts as ${steps(steps0)}, so the ratio is a bound)`
    : '';
  const tail = r.verdict === 'faster' ? 'BN is faster'
    : r.verdict === 'slower' ? 'BN is SLOWER'
      : `not distinguishable with ${n} seeds${r.comparison.seedsNeeded === null ? '' : `; about ${r.comparison.seedsNeeded} would be needed`}`;
  return `to ${pct(r.target, 0)}: plain / BN steps ${formatInterval(r.ratio, ratioText)}${cut}: ${tail}`;
}

function finalText(c: Cell): string {
  const cmp = c.finalComparison;
  const verdict = cmp.larger === 'a' ? 'BN ends higher' : cmp.larger === 'b' ? 'BN ends LOWER'
    : cmp.reason === 'test-set' ? 'not distinguishable (the seeds agree, the test set does not settle it)'
      : `not distinguishable with ${cmp.seeds} seeds${cmp.seedsNeeded === null ? '' : `; about ${cmp.seedsNeeded} would be needed`}`;
  return `final accuracy BN ${formatInterval(c.final.bn, pct)} vs plain ${formatInterval(c.final.plain, pct)}, difference ${formatInterval({ ...cmp.difference, n: cmp.seeds }, points)}: ${verdict}`;
}

function accuracyGrid(runs: SpeedRuns, init: InitializerChoice, ctx: SpeedContext): PlotSpec {
  const panels = ctx.lrs.map((lr) => {
    const cell = runs[init][String(lr)];
    const series = (['plain', 'bn'] as const).map((v, i) => {
      const { xs, perSeed } = alignCurves(cell[v], (c) => c.evalAccuracy);
      return { name: v === 'bn' ? 'with BN' : 'without BN', dashed: i === 1, points: meanCurve(xs, perSeed) };
    });
    return lineChart(series, { title: `lr ${lr}`, x: { title: 'training step (log)', log: true }, y: { title: 'test accuracy', percent: true }, panel: true, width: 260, height: 220 });
  });
  return panelGrid(panels, { title: `Test accuracy, ${init} initialisation (mean of ${ctx.seeds.length} seeds, 95 % t-band; step 0 is off the log axis)`, columns: ctx.lrs.length });
}

export function speedReport(runs: SpeedRuns, ctx: SpeedContext): Omit<ExperimentResult, 'settings'> {
  const cells = ctx.initializers.flatMap((init) => ctx.lrs.map((lr) => cellOf(init, lr, runs[init][String(lr)], ctx)));
  const cellsOf = (init: InitializerChoice) => cells.filter((c) => c.init === init);
  const head = ctx.initializers[0];
  const conclusion: string[] = [];
  for (const init of ctx.initializers) {
    conclusion.push(`${init} initialisation (${INITIALIZER_TEXT[init]}): ` + cellsOf(init).map((c) => `at lr ${c.lr}, ${reachText(c.reach[0], ctx.steps)}; ${reachText(c.reach[1], ctx.steps)}; ${finalText(c)}.`).join(' '));
  }
  const faster = (c: Cell) => c.reach[0].verdict === 'faster';
  const allFaster = cells.every(faster);
  const noneSlower = cells.every((c) => c.reach[0].verdict !== 'slower');
  conclusion.push(allFaster
    ? `Speed: with every initialiser and every learning rate tried, BN reaches ${pct(TARGETS[0], 0)} sooner (the interval of the step ratio is above 1), as the paper claims. How much sooner depends on both: ${cells.map((c) => `${c.init}/${c.lr} ${ratioText(c.reach[0].ratio.mean)}`).join(', ')}.`
    : `Speed: BN reaches ${pct(TARGETS[0], 0)} measurably sooner in ${cells.filter(faster).length} of ${cells.length} settings (initialiser / lr): ${cells.filter(faster).map((c) => `${c.init}/${c.lr}`).join(', ') || 'none'}; ${noneSlower ? 'in the others the difference is not distinguishable, so the claim depends on the setting' : `it is SLOWER in ${cells.filter((c) => c.reach[0].verdict === 'slower').map((c) => `${c.init}/${c.lr}`).join(', ')}`}.`);
  const higher = cells.filter((c) => c.finalComparison.larger === 'a');
  const lower = cells.filter((c) => c.finalComparison.larger === 'b');
  conclusion.push(`Final accuracy (the last evaluation, after ${steps(ctx.steps)} steps): BN ends measurably higher in ${higher.length} of ${cells.length} settings${higher.length ? ` (${higher.map((c) => `${c.init}/${c.lr}`).join(', ')})` : ''}${lower.length ? `, LOWER in ${lower.map((c) => `${c.init}/${c.lr}`).join(', ')}` : ''}; in the rest the two are not distinguishable. The paper's BN network ends clearly higher${higher.length === cells.length ? ', and so it does here' : '; here that holds only where listed'}.`);
  if (ctx.initializers.length > 1) {
    const byInit = ctx.initializers.map((init) => ({ init, faster: cellsOf(init).filter(faster).length, higher: cellsOf(init).filter((c) => c.finalComparison.larger === 'a').length }));
    const sameSpeed = byInit.every((b) => b.faster === byInit[0].faster);
    const sameEnd = byInit.every((b) => b.higher === byInit[0].higher);
    const part = (what: string, same: boolean, pick: (b: (typeof byInit)[number]) => number) => (same
      ? `the ${what} verdict does not depend on it`
      : `the ${what} verdict does: it holds at ${byInit.map((b) => `${pick(b)}/${ctx.lrs.length} learning rates with ${b.init}`).join(', ')}`);
    conclusion.push(`Dependence on the initialiser: ${byInit.map((b) => `${b.init}: faster at ${b.faster}/${ctx.lrs.length} learning rates, higher at the end at ${b.higher}/${ctx.lrs.length}`).join('; ')}. ` +
      `So ${part('speed', sameSpeed, (b) => b.faster)} (the size of the speed-up does), and ${part('final-accuracy', sameEnd, (b) => b.higher)}` +
      (sameSpeed && sameEnd ? '.' : '; a claim about BN against a plain network should name the plain network\'s initialiser.'));
  }
  if (ctx.steps < 50_000) conclusion.push(`The paper trains for 50,000 steps on 60,000 images; these runs train ${steps(ctx.steps)} steps on ${'the MNIST subset'} (see the settings), so the end here is earlier in the paper's figure 1a.`);
  const headCells = cellsOf(head);
  const short = (c: Comparison) => (c.larger === 'a' ? 'higher' : c.larger === 'b' ? 'lower' : `not distinguishable with ${c.seeds} seeds`);
  const reachShort = (r: Reach, lr: number) => (r.plain.every((s) => s === null) && r.bn.every((s) => s === null)
    ? `not reached at lr ${lr}`
    : `${formatInterval(r.ratio, ratioText)}${r.plain.some((s) => s === null) || r.bn.some((s) => s === null) ? ' (a bound)' : ''} sooner at lr ${lr} (${r.verdict === 'faster' ? 'faster' : r.verdict === 'slower' ? 'slower' : `not distinguishable with ${ctx.seeds.length} seeds`})`);
  const headline = `With BN, ${pct(TARGETS[0], 0)} is reached ${headCells.map((c) => reachShort(c.reach[0], c.lr)).join(', ')}; final accuracy BN − plain ${headCells.map((c) => `${formatInterval({ ...c.finalComparison.difference, n: ctx.seeds.length }, points)} (${short(c.finalComparison)}) at lr ${c.lr}`).join(', ')} (${ctx.seeds.length} seeds, ${head} init; other initialisers in the report)`;
  const grids = ctx.initializers.map((init) => accuracyGrid(runs, init, ctx));
  const sections: ReportSection[] = [
    {
      heading: 'Test accuracy against training steps',
      paragraphs: ['Panels share both axes. The step axis is logarithmic because the networks differ early; the band is the 95 % t-interval of the mean over seeds at each evaluation.'],
      plots: grids,
    },
    {
      heading: 'Time to target and final accuracy (mean [95 % t-interval] over seeds)',
      tables: [{
        caption: 'Steps to a target: geometric mean [95 % interval] over seeds, from a t-interval of the log steps.',
        header: ['initialiser', 'lr', 'network', ...TARGETS.map((t) => `steps to ${pct(t, 0)}`), 'final accuracy', 'seconds per run'],
        rows: cells.flatMap((c) => (['plain', 'bn'] as const).map((v) => {
          const r = runs[c.init][String(c.lr)][v];
          return [c.init, String(c.lr), v === 'bn' ? 'with BN' : 'without BN',
            ...c.reach.map((x) => { const s = x[v]; return s.every((y) => y !== null) ? formatInterval(geometricIntervalOf(s as number[]), steps) : `${s.filter((y) => y !== null).length}/${s.length} reached`; }),
            formatInterval(c.final[v], pct), meanOf(r.map((x) => x.seconds)).toFixed(1)];
        })),
      }],
    },
    {
      heading: 'Paired comparisons, BN vs plain, same seeds and test images',
      paragraphs: ['Step ratio: plain / BN steps to the target, per seed; geometric mean and 95 % t-interval of its logarithm. Final accuracy: BN − plain per seed (paired t over seeds), a paired bootstrap over test images (10,000 resamples, seed 2018) and McNemar\'s mid-p per seed; a verdict needs both intervals on the same side of zero.'],
      tables: [{
        header: ['initialiser', 'lr', ...TARGETS.map((t) => `plain / BN steps to ${pct(t, 0)}`), 'final: BN − plain', 'bootstrap over images', 'McNemar mid-p per seed', 'verdict (speed; final)'],
        rows: cells.map((c) => [c.init, String(c.lr),
          ...c.reach.map((r) => formatInterval(r.ratio, ratioText)),
          formatInterval({ ...c.finalComparison.difference, n: ctx.seeds.length }, points),
          c.finalComparison.bootstrap ? `[${points(c.finalComparison.bootstrap.lower)}, ${points(c.finalComparison.bootstrap.upper)}]` : '-',
          c.finalComparison.mcnemar?.map((m) => m.midP.toPrecision(2)).join(', ') ?? '-',
          `${c.reach[0].verdict}; ${c.finalComparison.larger === 'a' ? 'BN higher' : c.finalComparison.larger === 'b' ? 'BN lower' : 'not distinguishable'}`]),
      }],
    },
  ];
  return {
    title: 'Experiment: does Batch Norm speed up training?',
    claim: 'BN trains faster and ends higher (paper figure 1a)',
    summary: `MNIST, 3 fully connected hidden layers of 100 sigmoid units, batch 60, plain SGD: the same network with and without Batch Normalization (Ioffe & Szegedy 2015, figure 1a), at learning rates ${ctx.lrs.join(', ')} and with ${ctx.initializers.join(', ')} initialisation, ${ctx.seeds.length} seeds each.`,
    sections,
    mainPlot: grids[0],
    conclusion,
    headline,
    metrics: {
      targets: TARGETS,
      cells: cells.map((c) => ({ initializer: c.init, learningRate: c.lr, final: c.final, finalComparison: c.finalComparison, reach: c.reach })),
    },
  };
}
