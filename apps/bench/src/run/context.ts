import type { TopLevelSpec } from 'vega-lite';
import type { PeakSource } from '../machine/peak-source.js';
import type { TorchPool } from '../torch/pool.js';
import type { Progress } from './progress.js';

/*
 * What every part of a run (kernels, models, time-to-accuracy, scaling,
 * memory) gets, and what it hands back: figures for the JSON, Markdown for
 * the terminal, the .md file and the HTML report, and charts.
 */

export const PART_NAMES = ['kernels', 'models', 'time-to-accuracy', 'scaling', 'memory'] as const;
export type PartName = (typeof PART_NAMES)[number];

export interface RunContext {
  /** --quick: a smoke run; its figures are not measurements. */
  quick: boolean;
  progress: Progress;
  torch: TorchPool;
  peak: PeakSource;
}

/** A chart of the HTML report: a vega-lite spec, compiled to SVG when the report is written. */
export interface Chart {
  /** File-name safe, e.g. 'models-throughput'. */
  id: string;
  title: string;
  spec: TopLevelSpec;
}

export interface PartResult {
  part: PartName;
  /** The part's tables and notes. */
  markdown: string;
  /** Every figure of the part, for the JSON. */
  data: Record<string, unknown>;
  charts: Chart[];
}
