import os from 'node:os';
import { trainToAccuracy } from '../accuracy/batchwise-run.js';
import { loadAccuracyData } from '../accuracy/data.js';
import { ACCURACY_CONTENDERS, ACCURACY_DEFAULTS, ACCURACY_QUICK, ACCURACY_SPEC, firstReach, type AccuracyRun, type AccuracySettings, type EvalPoint } from '../accuracy/settings.js';
import { torchToAccuracy } from '../accuracy/torch-run.js';
import { loadOurBackend, OUR_BACKENDS } from '../contenders/ours.js';
import { firstLine } from '../errors.js';
import { CNN_BN_TRAINING } from '../models/specs.js';
import { accuracyChart } from '../report/charts.js';
import type { PartResult, RunContext } from '../run/context.js';
import { formatNumber, formatRatio, formatTable } from '../table.js';

/** Accuracy with one decimal: 89.96 % must not print as 90 %. */
const percent = (x: number) => `${(x * 100).toFixed(1)} %`;

/*
 * `bench time-to-accuracy`: wall-clock training seconds for the cnn-bn preset
 * to reach the target test accuracy on Fashion-MNIST, on each backend of ours
 * (at all threads) and on PyTorch (all threads, channels-last) when present.
 */

export interface AccuracyOptions {
  only?: string[];
  target?: number;
  maxEpochs?: number;
}

async function runOne(ctx: RunContext, id: string, label: string, go: (onEval: (e: EvalPoint) => void) => Promise<EvalPoint[]>, s: AccuracySettings): Promise<AccuracyRun> {
  const onEval = (e: EvalPoint) => ctx.progress.log(`${label}: epoch ${e.epoch.toFixed(2)}, ${e.seconds.toFixed(1)} s trained, test accuracy ${percent(e.accuracy)}`);
  try {
    const evals = await go(onEval);
    const reach = firstReach(evals, s.target);
    return { contender: id, label, evals, ...(reach.seconds !== undefined ? { secondsToTarget: reach.seconds, epochsToTarget: reach.epoch } : {}) };
  } catch (e) {
    return { contender: id, label, evals: [], unavailable: firstLine(e) };
  }
}

export async function runAccuracyPart(ctx: RunContext, o: AccuracyOptions = {}): Promise<PartResult> {
  const base = ctx.quick ? ACCURACY_QUICK : ACCURACY_DEFAULTS;
  const s: AccuracySettings = { ...base, ...(o.target !== undefined ? { target: o.target } : {}), ...(o.maxEpochs !== undefined ? { maxEpochs: o.maxEpochs } : {}) };
  const wanted = ACCURACY_CONTENDERS.filter((id) => !o.only || o.only.includes(id));
  const threads = os.availableParallelism();
  ctx.progress.begin('time-to-accuracy', wanted.length);
  const data = loadAccuracyData(s);
  const runs: AccuracyRun[] = [];
  for (const id of wanted) {
    if (id === 'torch') {
      const started = await ctx.torch.get(threads);
      const label = `PyTorch ${threads}t`;
      runs.push('unavailable' in started ? { contender: id, label, evals: [], unavailable: started.unavailable } : await runOne(ctx, id, label, (cb) => torchToAccuracy(started.child, data, s, cb), s));
    } else {
      const b = OUR_BACKENDS.find((x) => x.name === id)!;
      const loaded = await loadOurBackend(b.name);
      const label = `batchwise ${id}${b.threaded ? ` ${threads}t` : ''}`;
      if (!loaded.backend) runs.push({ contender: id, label, evals: [], unavailable: loaded.reason ?? 'not loaded' });
      else {
        loaded.native?.setNumThreads(threads);
        runs.push(await runOne(ctx, id, label, (cb) => trainToAccuracy(b.name, data, s, cb), s));
      }
    }
    ctx.progress.tick(id);
  }

  const torch = runs.find((r) => r.contender === 'torch')?.secondsToTarget;
  const target = percent(s.target);
  const ran = runs.filter((r) => !r.unavailable);
  const rows = ran.map((r) => {
    const last = r.evals.at(-1);
    const best = r.evals.reduce((m, e) => Math.max(m, e.accuracy), 0);
    return [
      r.label,
      r.secondsToTarget !== undefined ? formatNumber(r.secondsToTarget) : `not reached in ${s.maxEpochs} epoch(s)`,
      r.epochsToTarget !== undefined ? formatNumber(r.epochsToTarget) : '-',
      r.evals.length > 0 ? percent(best) : '-',
      last ? formatNumber(last.seconds) : '-',
      formatNumber(r.evals.reduce((t, e) => t + e.evalSeconds, 0)),
      r.contender !== 'torch' && torch !== undefined && r.secondsToTarget !== undefined ? formatRatio(torch / r.secondsToTarget) : '-',
    ];
  });
  const n = data.trainX.shape[0];
  const markdown = [
    `${ACCURACY_SPEC.label}: Adam ${ACCURACY_SPEC.optimizer.learningRate}, batch ${ACCURACY_SPEC.trainBatch}, learning rate x${CNN_BN_TRAINING.lrDecay} per epoch, ` +
      `seed ${CNN_BN_TRAINING.seed}; ${n} training images, ${data.testX.shape[0]} test images, evaluated ${s.evalsPerEpoch} times per epoch (not counted); at most ${s.maxEpochs} epoch(s).`,
    '',
    formatTable(['contender', `seconds to ${target}`, 'epochs', 'best test accuracy', 'seconds trained', 'seconds evaluating', 'PyTorch time / ours'], rows, ['left']),
    ...runs.filter((r) => r.unavailable).map((r) => `- ${r.label}: n/a: ${r.unavailable}`),
  ].join('\n');
  const points = runs.flatMap((r) => r.evals.map((e) => ({ contender: r.label, seconds: e.seconds, accuracy: e.accuracy })));
  return { part: 'time-to-accuracy', markdown, data: { settings: s, trainExamples: n, testExamples: data.testX.shape[0], runs }, charts: [accuracyChart(points, s.target)] };
}
