import { Presets, SingleBar } from 'cli-progress';
import type { Output } from '../cli/output.js';

/*
 * Progress of one long experiment run, counted in training steps. On a
 * terminal it is a cli-progress bar with an ETA; otherwise (logs, pipes) a
 * status line every 10 %, so a full-size run that takes minutes is never
 * silent. With --json nothing is drawn: stdout is the result, and stderr
 * stays quiet as in `batchwise train`.
 */

export interface Progress {
  /** Adds `steps` finished steps. */
  advance(steps: number): void;
  stop(): void;
}

export function startProgress(out: Output, title: string, totalSteps: number): Progress {
  const total = Math.max(1, totalSteps);
  let done = 0;
  if (out.json) return { advance() {}, stop() {} };
  if (process.stderr.isTTY === true) {
    const bar = new SingleBar(
      { format: `${title} [{bar}] {value}/{total} steps | ETA {eta_formatted}`, stream: process.stderr, hideCursor: true, etaBuffer: 50, clearOnComplete: true },
      Presets.shades_classic,
    );
    bar.start(total, 0);
    return {
      advance(steps) {
        done += steps;
        bar.update(Math.min(done, total));
      },
      stop() {
        bar.stop();
      },
    };
  }
  let nextTenth = 1;
  const started = performance.now();
  return {
    advance(steps) {
      done += steps;
      while (nextTenth < 10 && done >= (total * nextTenth) / 10) {
        const seconds = (performance.now() - started) / 1000;
        out.status(`${title}: ${nextTenth * 10}% of ${total} steps, ${seconds.toFixed(0)} s`);
        nextTenth++;
      }
    },
    stop() {},
  };
}
