import { Presets, SingleBar } from 'cli-progress';
import type { Output } from '../cli/output.js';

/*
 * One progress bar per epoch on stderr (loss, accuracy, images/s, ETA), drawn
 * by cli-progress only when stderr is a terminal. Every epoch also ends with
 * one plain status line, so logs and pipes get a readable record too.
 */

export interface BatchStats {
  /** Running mean loss over the epoch so far. */
  loss: number;
  /** Running accuracy over the epoch so far. */
  accuracy: number;
  /** Examples processed in this epoch so far. */
  seen: number;
  /** Seconds since the epoch started. */
  seconds: number;
}

export interface EpochProgress {
  update(batch: number, stats: BatchStats): void;
  stop(): void;
}

export function startEpochProgress(epoch: number, epochs: number, batches: number, out: Output): EpochProgress {
  const draw = !out.json && process.stderr.isTTY === true;
  const bar = draw
    ? new SingleBar(
        {
          format: `epoch ${epoch}/${epochs} [{bar}] {value}/{total} | loss {loss} | acc {acc} | {ips} img/s | ETA {eta_formatted}`,
          stream: process.stderr,
          hideCursor: true,
          etaBuffer: 20,
          clearOnComplete: false,
        },
        Presets.shades_classic,
      )
    : null;
  bar?.start(batches, 0, { loss: '-', acc: '-', ips: '-' });
  return {
    update(batch, stats) {
      bar?.update(batch, {
        loss: stats.loss.toFixed(4),
        acc: stats.accuracy.toFixed(4),
        ips: stats.seconds > 0 ? Math.round(stats.seen / stats.seconds).toString() : '-',
      });
    },
    stop() {
      bar?.stop();
    },
  };
}
