import type { Variant } from './networks.js';

/* Messages between the demo page and its training worker. */

export interface Settings {
  learningRate: number;
  batchSize: number;
}

export type ToWorker =
  | { type: 'init'; dataUrl: string; seed: number; settings: Settings }
  | { type: 'start' }
  | { type: 'stop' }
  | { type: 'reset'; seed: number }
  | { type: 'settings'; settings: Settings }
  | { type: 'save'; variant: Variant; target: string }
  | { type: 'artifacts'; variant: Variant };

/** One network's state at an evaluation. */
export interface NetworkPoint {
  /** Mean training loss over the steps since the last evaluation (NaN once diverged). */
  loss: number;
  /** Accuracy on the test subset. */
  accuracy: number;
  /** 15th, 50th, 85th percentile of the watched unit's input over the probe images. */
  percentiles: number[];
  diverged: boolean;
}

export interface Evaluation {
  step: number;
  plain: NetworkPoint;
  bn: NetworkPoint;
}

export type FromWorker =
  | { type: 'ready'; backend: string; backendDetail: string; trainImages: number; testImages: number; unit: number }
  | { type: 'evaluation'; evaluation: Evaluation; imagesPerSecond: Record<Variant, number> }
  | { type: 'state'; running: boolean; reason: string }
  | { type: 'saved'; variant: Variant; target: string }
  | { type: 'artifacts'; variant: Variant; artifacts: unknown }
  | { type: 'error'; message: string };
