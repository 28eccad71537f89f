import type { Variant } from '../shared/networks.js';

/*
 * Messages between the speed page and its two workers: batchwise's (an ES
 * module worker) and TensorFlow.js's (a classic worker running tfjs's own
 * prebuilt bundles: its multithreaded WebAssembly build makes its threads
 * from the source text of a function, which only its own bundles keep
 * intact; a re-bundled, minified copy breaks).
 */

export interface SpeedSetup {
  type: 'setup';
  dataUrl: string;
  /** TensorFlow.js only: its prebuilt scripts, in load order, and its .wasm files by name. */
  tfjs?: { scripts: string[]; wasmPaths: Record<string, string> };
}

export interface SpeedRound {
  type: 'round';
  contender: string;
  variant: Variant;
  steps: number;
  batchSize: number;
  /** Index of the first batch, so every contender trains on the same batches. */
  firstBatch: number;
}

export type ToSpeedWorker = SpeedSetup | SpeedRound;

export type FromSpeedWorker =
  | { type: 'ready'; contenders: { name: string; detail: string }[]; unavailable: { contender: string; reason: string }[] }
  | { type: 'timed'; imagesPerSecond: number }
  | { type: 'error'; message: string };

export interface SpeedResult {
  contender: string;
  /** Backend details: threads, SIMD. */
  detail: string;
  variant: Variant;
  /** Images per second of each round. */
  rounds: number[];
  median: number;
}
