import type { Command } from 'commander';
import { UsageError } from '../cli/errors.js';
import type { Output } from '../cli/output.js';
import { parseInteger, parsePositiveInt } from '../cli/parse.js';
import type { ReportSection } from '../report/html-report.js';
import { layers, type Layer } from '@batchwise/layers';

export type ActivationName = 'relu' | 'sigmoid' | 'tanh' | 'linear';

/*
 * What every `batchwise experiment <name>` shares: the flags, the result
 * shape (report sections, a conclusion written from the numbers, metrics for
 * --json) and the small networks of the paper's MNIST experiment.
 */

export interface ExperimentOptions {
  seed: number;
  backend?: string;
  out?: string;
  json?: boolean;
  steps?: number;
  epochs?: number;
  limit?: number;
  evalEvery?: number;
}

export interface ExperimentResult {
  title: string;
  summary: string;
  meta: [string, string][];
  sections: ReportSection[];
  /** The plot that answers the question (also inside `sections`), written alone as <name>.svg for linking. */
  mainPlot: string;
  conclusion: string[];
  metrics: Record<string, unknown>;
}

export interface Experiment {
  name: string;
  description: string;
  /** Adds the size flags this experiment takes. */
  configure(cmd: Command): void;
  run(options: ExperimentOptions, out: Output): Promise<ExperimentResult>;
}

export function addStepFlags(cmd: Command, steps: number, evalEvery: number, limit?: number): void {
  cmd.option('--steps <n>', 'training steps (mini-batches) per network', parsePositiveInt, steps);
  cmd.option('--eval-every <n>', 'evaluate every <n> steps', parsePositiveInt, evalEvery);
  // commander appends "(default: N)" itself when there is a default.
  cmd.option('--limit <n>', 'at most <n> training and <n> test examples', parsePositiveInt, limit);
}

export function addEpochFlags(cmd: Command, epochs: number, limit: number, limitHelp: string): void {
  cmd.option('--epochs <n>', 'epochs per network', parsePositiveInt, epochs);
  cmd.option('--limit <n>', limitHelp, parsePositiveInt, limit);
}

/** Cross-flag checks commander cannot do alone (a usage error, exit 2). */
export function checkStepFlags(o: ExperimentOptions): void {
  if (o.steps !== undefined && o.evalEvery !== undefined && o.evalEvery > o.steps) {
    throw new UsageError(`--eval-every must be at most --steps (${o.steps}), received ${o.evalEvery}.`);
  }
}

export const SEED_FLAG = { flags: '--seed <n>', help: 'seed of weights, shuffling and dropout', parse: parseInteger, default: 1 } as const;

/**
 * The paper's MNIST network (Ioffe & Szegedy 2015, section 4.1): 3 fully
 * connected hidden layers of 100 units with sigmoid, softmax output. With BN,
 * each hidden layer is dense (no bias) -> BN -> activation, BN normalizing
 * x = Wu before the nonlinearity as in section 3.2.
 */
export function paperMlp(bn: boolean, activation: ActivationName = 'sigmoid', units = 100, hidden = 3): Layer[] {
  const stack: Layer[] = [layers.flatten()];
  for (let i = 0; i < hidden; i++) {
    if (bn) stack.push(layers.dense({ units, useBias: false }), layers.batchNormalization(), layers.activation({ activation }));
    else stack.push(layers.dense({ units, activation }));
  }
  stack.push(layers.dense({ units: 10, activation: 'softmax' }));
  return stack;
}

export function pct(v: number | null): string {
  return v === null || !Number.isFinite(v) ? 'n/a' : `${(v * 100).toFixed(1)}%`;
}
