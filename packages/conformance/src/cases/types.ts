import type { Backend } from '@batchwise/core';

/** Which part of the suite a case belongs to. */
/** 'gradient' marks the backend-independent checks of the references against finite differences. */
export type CaseGroup = 'kernel' | 'invalid' | 'onnx' | 'gradient';

/** What running one case on one backend (or comparing two) found. */
export interface CaseOutcome {
  pass: boolean;
  /** Largest absolute error over every compared element (0 for pure property or error checks). */
  maxError: number;
  /** Why it failed, or what was skipped: kernel, case, seed, worst index, expected, received, max error. */
  message?: string;
  /** Set when the case did not run, with the reason (e.g. the ONNX vector needs a padding we lack). */
  skipped?: string;
}

/** One named case of the suite: a kernel, its inputs (from the seed) and what must come out. */
export interface ConformanceCase {
  /** A kernel of core's KERNEL_NAMES, or `onnx:<Op>` for the ONNX vectors. */
  kernel: string;
  name: string;
  seed: number;
  group: CaseGroup;
  /** Set when the case never runs (an ONNX vector batchwise cannot express), with the reason. */
  skip?: string;
  check(backend: Backend): CaseOutcome;
  /** Runs both backends on the same inputs and compares them; absent when outputs may legitimately differ. */
  cross?(a: Backend, b: Backend): CaseOutcome;
}

/** The outcome of one case with its identity, as returned by the runners. */
export interface CaseResult extends CaseOutcome {
  kernel: string;
  case: string;
  seed: number;
  group: CaseGroup;
}
