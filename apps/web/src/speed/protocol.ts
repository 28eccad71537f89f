import type { Variant } from '../shared/networks.js';

/* Messages between the speed page and its worker. */

export interface SpeedRequest {
  dataUrl: string;
  /** The served .wasm files of TensorFlow.js's WebAssembly backend, by file name. */
  tfjsWasmPaths: Record<string, string>;
  steps: number;
  rounds: number;
  batchSize: number;
}

export interface SpeedResult {
  contender: string;
  /** Backend details: threads, SIMD. */
  detail: string;
  variant: Variant;
  /** Images per second of each round. */
  rounds: number[];
  median: number;
}

export type SpeedMessage =
  | { type: 'progress'; text: string }
  | { type: 'result'; result: SpeedResult }
  | { type: 'unavailable'; contender: string; reason: string }
  | { type: 'done' }
  | { type: 'error'; message: string };
