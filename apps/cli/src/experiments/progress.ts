import { Presets, SingleBar } from 'cli-progress';
import type { Output } from '../cli/output.js';

/*
 * One progress bar per experiment, counted in training steps over all of its
 * runs, so the ETA covers the whole experiment rather than one network.
 * On a terminal it is a cli-progress bar; otherwise (logs, pipes) a status
 * line every 10 %. With --json nothing is drawn (stdout is the result and
 * stderr stays quiet, as in `batchwise train`).
 */

export interface Progress {
  /** Names the run now in progress, e.g. "BN, lr 0.1". */
  label(text: string): void;
  /** Adds `steps` finished steps. */
  advance(steps: number): void;
  stop(): void;
}

export function startProgress(out: Output, title: string, totalSteps: number): Progress {
  const total = Math.max(1, totalSteps);
  let done = 0;
  let current = '';
  if (out.json) return { label() {}, advance() {}, stop() {} };
  if (process.stderr.isTTY === true) {
    const bar = new SingleBar(
      { format: `${title} [{bar}] {percentage}% | {run} | ETA {eta_formatted}`, stream: process.stderr, hideCursor: true, etaBuffer: 200, clearOnComplete: false },
      Presets.shades_classic,
    );
    bar.start(total, 0, { run: '' });
    return {
      label(text) {
        current = text;
        bar.update(done, { run: current });
      },
      advance(steps) {
        done += steps;
        bar.update(Math.min(done, total), { run: current });
      },
      stop() {
        bar.stop();
      },
    };
  }
  let nextTenth = 1;
  const started = performance.now();
  return {
    label(text) {
      current = text;
    },
    advance(steps) {
      done += steps;
      while (nextTenth <= 10 && done >= (total * nextTenth) / 10) {
        const seconds = (performance.now() - started) / 1000;
        out.status(`${title}: ${nextTenth * 10}% (${current}), ${seconds.toFixed(0)} s`);
        nextTenth++;
      }
    },
    stop() {},
  };
}
