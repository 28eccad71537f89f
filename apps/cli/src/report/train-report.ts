import type { EpochRecord } from '../training/epoch-records.js';
import type { Report } from './html-report.js';
import { formatNumber, formatPercent } from './html-escape.js';
import { lineChart, type PlotSeries } from './plot-spec.js';

/*
 * report.html of `batchwise train`: the loss of every batch and of every
 * epoch, accuracy per epoch (train solid, validation dashed), and a
 * conclusion written from the numbers.
 */

/** One training batch's loss, as fit's onBatchEnd reports it. */
export interface BatchLoss {
  /** 0-based epoch and batch within it. */
  epoch: number;
  batch: number;
  /** Batches per epoch, to place the batch on the epoch axis. */
  batches: number;
  loss: number;
}

export interface TrainReportInput {
  title: string;
  modelDescription: string;
  meta: [string, string][];
  history: readonly EpochRecord[];
  /** Per-batch losses of this session (a resumed run has them from where it resumed). */
  batches?: readonly BatchLoss[];
  test: { loss: number; accuracy: number } | null;
  /** What ended the run, when it was not the last epoch. */
  stopped?: string;
}

function curves(history: readonly EpochRecord[], train: keyof EpochRecord, val: keyof EpochRecord, trainName = 'train'): PlotSeries[] {
  const series: PlotSeries[] = [{ name: trainName, markers: true, points: history.map((h) => ({ x: h.epoch, y: h[train] as number })) }];
  if (history.some((h) => h[val] !== undefined)) {
    series.push({ name: 'validation', dashed: true, markers: true, points: history.map((h) => ({ x: h.epoch, y: (h[val] as number | undefined) ?? Number.NaN })) });
  }
  return series;
}

/** Per-batch loss (thin) under the per-epoch means, on one epoch axis: batch b of epoch e sits at e + (b + 1) / batches. */
function lossSeries(input: TrainReportInput): PlotSeries[] {
  const perBatch: PlotSeries[] = (input.batches ?? []).length === 0 ? [] : [{
    name: 'train, per batch', strokeWidth: 1, colorIndex: 5,
    points: input.batches!.map((b) => ({ x: b.epoch + (b.batch + 1) / b.batches, y: b.loss })),
  }];
  return [...perBatch, ...curves(input.history, 'loss', 'valLoss', 'train, epoch mean').map((s, i) => ({ ...s, colorIndex: i === 0 ? 0 : 1 }))];
}

/** A validation accuracy within this of the best counts as the same level (one test image in 500). */
const PLATEAU = 0.002;

export function conclusionFor(input: TrainReportInput): string[] {
  const h = input.history;
  const out: string[] = [];
  if (input.stopped) out.push(input.stopped);
  if (h.length === 0) {
    out.push('No epoch finished, so there is no curve to judge.');
    return out;
  }
  const last = h[h.length - 1];
  if (input.test) out.push(`Test accuracy after ${h.length} epoch${h.length === 1 ? '' : 's'}: ${formatPercent(input.test.accuracy)} (loss ${formatNumber(input.test.loss)}).`);
  if (last.valAccuracy !== undefined) {
    const best = h.reduce((b, r) => ((r.valAccuracy ?? -1) > (b.valAccuracy ?? -1) ? r : b), h[0]);
    const gap = last.accuracy - last.valAccuracy;
    const plateau = best.epoch !== last.epoch && best.valAccuracy! - last.valAccuracy <= PLATEAU;
    out.push(
      `Validation accuracy peaked at ${formatPercent(best.valAccuracy!)} in epoch ${best.epoch}` +
        (best.epoch === last.epoch
          ? ', the last one: more epochs may still help.'
          : plateau
            ? ` and stayed there (${formatPercent(last.valAccuracy)} at the end): training has levelled off.`
            : `; it was ${formatPercent(last.valAccuracy)} at the end, so later epochs did not improve it.`),
    );
    out.push(
      gap > 0.03
        ? `Training accuracy ends ${formatPercent(gap)} above validation accuracy: the model has started to overfit.`
        : `Training and validation accuracy end within ${formatPercent(Math.abs(gap))} of each other: no sign of overfitting yet` +
            ' (training accuracy is averaged over the epoch with dropout active, so it lags behind the final weights).',
    );
  }
  if (h.length > 1) {
    const drop = h[0].loss - last.loss;
    out.push(`Training loss went from ${formatNumber(h[0].loss)} in epoch 1 to ${formatNumber(last.loss)} in epoch ${last.epoch} (${drop >= 0 ? 'down' : 'up'} ${formatNumber(Math.abs(drop))}).`);
  }
  const speed = h.reduce((s, r) => s + r.imagesPerSecond, 0) / h.length;
  out.push(`Throughput: ${Math.round(speed)} training images per second on average.`);
  return out;
}

export function trainReport(input: TrainReportInput): Report {
  const h = input.history;
  return {
    title: input.title,
    summary: input.modelDescription,
    meta: input.meta,
    sections: [
      {
        heading: 'Learning curves',
        paragraphs: h.length === 0 ? ['No epoch finished.'] : [],
        plots: h.length === 0 ? ((input.batches ?? []).length === 0 ? [] : [lineChart(lossSeries(input), { title: 'Loss per batch', x: { title: 'epoch' }, y: { title: 'cross-entropy', log: true } })]) : [
          lineChart(lossSeries(input), { title: 'Loss per batch and per epoch', x: { title: 'epoch' }, y: { title: 'cross-entropy', log: true } }),
          lineChart(curves(h, 'accuracy', 'valAccuracy'), { title: 'Accuracy per epoch', x: { title: 'epoch' }, y: { title: 'accuracy', percent: true } }),
        ],
        tables: [{
          header: ['epoch', 'loss', 'accuracy', 'val loss', 'val accuracy', 'seconds', 'images/s'],
          rows: h.map((r) => [
            String(r.epoch), formatNumber(r.loss), formatPercent(r.accuracy),
            r.valLoss === undefined ? '-' : formatNumber(r.valLoss), r.valAccuracy === undefined ? '-' : formatPercent(r.valAccuracy),
            r.seconds.toFixed(1), String(Math.round(r.imagesPerSecond)),
          ]),
        }],
      },
    ],
    conclusion: conclusionFor(input),
  };
}
