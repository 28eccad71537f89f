/*
 * Shared shapes of the harness: what a kernel case is, what a contender
 * offers for it, and what a measurement records.
 */
import type { Sample } from './stats.js';

/** One benchmarked kernel at one shape. */
export interface KernelCase {
  id: KernelId;
  /** Name in the table, e.g. 'conv2dBackpropFilter'. */
  label: string;
  /** Human-readable shape, e.g. 'x [32,28,28,32], filter [3,3,32,64]'. */
  shape: string;
  /** Floating-point operations of one call (compute-bound kernels). */
  flops?: number;
  /** Compulsory memory traffic of one call in bytes (memory-bound kernels); see README for the model. */
  bytes?: number;
}

export type KernelId =
  | 'matMul'
  | 'conv2d'
  | 'conv2dBackpropInput'
  | 'conv2dBackpropFilter'
  | 'batchNormTraining'
  | 'batchNormTrainingBackward'
  | 'batchNormInference'
  | 'maxPool'
  | 'maxPoolInference'
  | 'maxPoolBackward';

/** Untimed back-to-back calls before a timed one (see measure.ts): at least `leadInMinMs` and `leadInCalls` calls, at most `leadInMs`. */
export interface LeadIn {
  leadInMs: number;
  leadInMinMs: number;
  leadInCalls: number;
}

/** A ready-to-time kernel call. `before` runs untimed before every timed `run`. */
export interface Prepared {
  before?: () => void | Promise<void>;
  run: () => unknown;
  /**
   * For a contender in another process (PyTorch): runs the lead-in (when given)
   * and `calls` timed back-to-back calls there and returns their mean milliseconds, so the
   * pipe's latency is not counted. Replaces the harness's own timing of `run`.
   */
  timeSelf?: (leadIn: LeadIn | undefined, calls: number) => Promise<number>;
  dispose?: () => void;
  /** Shown with the result, e.g. that a peer composes the kernel from basic operators. */
  note?: string;
  /** Multiplies the measured times: the call does 1/scale of the work (see the note). */
  scale?: number;
}

/** Either a prepared call or the one-line reason this contender cannot run the kernel. */
export type Preparation = Prepared | { unavailable: string };

export interface ContenderStatus {
  available: boolean;
  /** Why the contender cannot run at all (missing build, failed load). */
  reason?: string;
  /** Version and configuration, e.g. 'isa avx512, 2 threads'. */
  detail?: string;
}

export interface Contender {
  id: string;
  label: string;
  /** Threads its kernels use. */
  threads: number;
  /** True for batchwise's own backends. */
  ours: boolean;
  /** Upper bound on timed runs per kernel: slow peers get few so a full run stays short. */
  maxRuns: number;
  status: ContenderStatus;
  prepare(kernel: KernelCase): Promise<Preparation>;
}

/** One contender on one kernel: a timing summary or why it did not run. */
export type Measurement = { contender: string; sample: Sample; note?: string } | { contender: string; unavailable: string };

export interface KernelResult {
  kernel: KernelCase;
  measurements: Measurement[];
}
