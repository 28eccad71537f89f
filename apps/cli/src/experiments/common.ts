import { Option, type Command } from 'commander';
import { UsageError } from '../cli/errors.js';
import type { Output } from '../cli/output.js';
import { parseInteger, parsePositiveInt } from '../cli/parse.js';
import type { ReportSection } from '../report/html-report.js';
import type { PlotSpec } from '../report/plot-spec.js';
import { INITIALIZER_CHOICES, type InitializerChoice } from './networks.js';

/*
 * What every `batchwise experiment <name>` shares: the flags, and the result
 * shape (report sections, settings, a conclusion and a headline written from
 * the numbers, metrics for --json and for the generated EXPERIMENTS.md).
 */

export type SplitRule = 'stratified' | 'file-order';
export const SPLIT_RULES: readonly SplitRule[] = ['stratified', 'file-order'];

export interface ExperimentOptions {
  /** First seed; the runs use seed, seed + 1, ..., seed + seeds - 1. */
  seed: number;
  seeds: number;
  backend?: string;
  out?: string;
  json?: boolean;
  steps?: number;
  epochs?: number;
  limit?: number;
  evalEvery?: number;
  initializer?: InitializerChoice;
  split?: SplitRule;
  splitSeed?: number;
}

/**
 * What training measured, before any summary: JSON-ready (non-finite numbers
 * as null), stored in metrics.json as `raw`, so `--from` can rebuild the
 * report, its verdicts and plots from a committed run without training.
 */
export interface RawResult<D = unknown> {
  /** Architecture, optimizer, learning rate, batch size, initializer, split, seeds (backend and command are added by the command). */
  settings: [string, string][];
  data: D;
}

export interface ExperimentResult {
  title: string;
  /** The claim under test, in one sentence (the README table's "claim" column). */
  claim: string;
  summary: string;
  sections: ReportSection[];
  /** The plot that answers the question (also inside `sections`), written alone as <name>.svg. */
  mainPlot: PlotSpec;
  conclusion: string[];
  /** The answer in one line, with its interval or test (the README table's "measured" column). */
  headline: string;
  metrics: Record<string, unknown>;
}

export interface Experiment<D = any> {
  name: string;
  description: string;
  /** Adds the flags this experiment takes. */
  configure(cmd: Command): void;
  /** Trains and measures. */
  run(options: ExperimentOptions, out: Output): Promise<RawResult<D>>;
  /** Numbers, verdicts, text and plots from the measurements alone. */
  report(raw: RawResult<D>): ExperimentResult;
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

/** --seeds: every network is trained once per seed; an interval needs at least two. */
export function addSeedsFlag(cmd: Command, seeds: number): void {
  cmd.option('--seeds <n>', 'train every network with seeds seed, seed+1, ... (at least 2: intervals need them)', parsePositiveInt, seeds);
}

export function addInitializerFlag(cmd: Command, initializer: InitializerChoice): void {
  cmd.addOption(new Option('--initializer <name>', 'initializer of the dense/conv weights').choices(INITIALIZER_CHOICES).default(initializer));
}

/** --split and --split-seed, for the experiments on MNIST and Fashion-MNIST. */
export function addSplitFlags(cmd: Command): void {
  cmd.addOption(new Option('--split <rule>', "train/test split: 'stratified' (random, class-proportional, seeded) or the datasets' 'file-order'").choices(SPLIT_RULES).default('stratified'));
  cmd.option('--split-seed <n>', 'seed of the stratified split (the same for every training seed, so all runs see the same test images)', parseInteger, 0);
}

/** Cross-flag checks commander cannot do alone (a usage error, exit 2). */
export function checkStepFlags(o: ExperimentOptions): void {
  if (o.steps !== undefined && o.evalEvery !== undefined && o.evalEvery > o.steps) {
    throw new UsageError(`--eval-every must be at most --steps (${o.steps}), received ${o.evalEvery}.`);
  }
}

export function checkSeeds(o: ExperimentOptions): void {
  if (o.seeds < 2) throw new UsageError(`--seeds must be at least 2 (a confidence interval needs two runs), received ${o.seeds}.`);
}

export const SEED_FLAG = { flags: '--seed <n>', help: 'first seed of weights, shuffling and dropout', parse: parseInteger, default: 1 } as const;

/** seed, seed + 1, ..., seed + seeds - 1. */
export function seedList(o: ExperimentOptions): number[] {
  return Array.from({ length: o.seeds }, (_, k) => o.seed + k);
}

export function seedsText(o: ExperimentOptions): string {
  const seeds = seedList(o);
  return `${seeds.length} (${seeds.length > 3 ? `${seeds[0]}-${seeds[seeds.length - 1]}` : seeds.join(', ')})`;
}

export function pct(v: number | null, digits = 1): string {
  return v === null || !Number.isFinite(v) ? 'n/a' : `${(v * 100).toFixed(digits)}%`;
}

/** The datasets' splitSeed for the chosen --split (undefined: file order). */
export function splitSeedOf(o: ExperimentOptions): number | undefined {
  return (o.split ?? 'stratified') === 'stratified' ? (o.splitSeed ?? 0) : undefined;
}

/** The split, as a report states it. */
export function splitText(o: ExperimentOptions, dataset: string, nTrain: number, nTest: number): string {
  const rule = splitSeedOf(o) === undefined
    ? 'file order (the last images of each class file are test)'
    : `stratified random, split seed ${splitSeedOf(o)} (each class in proportion, drawn from the whole class)`;
  return `${dataset}, ${rule}: ${nTrain.toLocaleString('en-US')} train / ${nTest.toLocaleString('en-US')} test images`;
}
