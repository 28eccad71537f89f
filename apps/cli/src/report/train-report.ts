import type { EpochRecord } from '../training/epoch-records.js';
import type { Report } from './html-report.js';
import { formatNumber, formatPercent } from './html-escape.js';
import { linePlot, type Series } from './svg-plot.js';

/*
 * report.html of `batchwise train`: loss and accuracy per epoch (train
 * solid, validation dashed) and a conclusion written from the numbers.
 */

export interface TrainReportInput {
  title: string;
  modelDescription: string;
  meta: [string, string][];
  history: readonly EpochRecord[];
  test: { loss: number; accuracy: number } | null;
  /** What ended the run, when it was not the last epoch. */
  stopped?: string;
}

function curves(history: readonly EpochRecord[], train: keyof EpochRecord, val: keyof EpochRecord): Series[] {
  const series: Series[] = [{ name: 'train', points: history.map((h) => [h.epoch, h[train] as number]) }];
  if (history.some((h) => h[val] !== undefined)) {
    series.push({ name: 'validation', dashed: true, points: history.map((h) => [h.epoch, (h[val] as number | undefined) ?? Number.NaN]) });
  }
  return series;
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
        plots: h.length === 0 ? [] : [
          linePlot(curves(h, 'loss', 'valLoss'), { title: 'Loss per epoch', xLabel: 'epoch', yLabel: 'cross-entropy', markers: true }),
          linePlot(curves(h, 'accuracy', 'valAccuracy'), { title: 'Accuracy per epoch', xLabel: 'epoch', yLabel: 'accuracy', markers: true }),
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
