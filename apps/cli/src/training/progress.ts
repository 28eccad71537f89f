import type { Callback, FitParams, Logs } from '@batchwise/layers';
import { Presets, SingleBar } from 'cli-progress';
import type { Output } from '../cli/output.js';

/*
 * A fit callback drawing one progress bar per epoch on stderr (loss, accuracy,
 * images/s, ETA) with cli-progress, only when stderr is a terminal. Each epoch
 * also ends with one plain status line (from the run), so logs and pipes get
 * a readable record too.
 */

export function progressBar(out: Output): Callback {
  const draw = !out.json && process.stderr.isTTY === true;
  let params: FitParams | null = null;
  let bar: SingleBar | null = null;
  let sums = { loss: 0, acc: 0, seen: 0, seconds: 0 };
  return {
    setParams: (p) => void (params = p),
    onEpochBegin(epoch) {
      if (!draw || !params) return;
      sums = { loss: 0, acc: 0, seen: 0, seconds: 0 };
      bar = new SingleBar(
        {
          format: `epoch ${epoch + 1}/${params.epochs} [{bar}] {value}/{total} | loss {loss} | acc {acc} | {ips} img/s | ETA {eta_formatted}`,
          stream: process.stderr,
          hideCursor: true,
          etaBuffer: 20,
          clearOnComplete: false,
        },
        Presets.shades_classic,
      );
      bar.start(params.batches, 0, { loss: '-', acc: '-', ips: '-' });
    },
    onBatchEnd(batch: number, logs: Logs) {
      if (!bar) return;
      sums.loss += logs.loss * logs.size;
      sums.acc += (logs.accuracy ?? Number.NaN) * logs.size;
      sums.seen += logs.size;
      sums.seconds += logs.seconds;
      bar.update(batch + 1, {
        loss: (sums.loss / sums.seen).toFixed(4),
        acc: (sums.acc / sums.seen).toFixed(4),
        ips: sums.seconds > 0 ? Math.round(sums.seen / sums.seconds).toString() : '-',
      });
    },
    onEpochEnd() {
      bar?.stop();
      bar = null;
    },
    onTrainEnd() {
      bar?.stop();
      bar = null;
    },
  };
}
