import type { ConformanceReport, VectorBytes } from '@batchwise/conformance';
import type { BackendInfo } from '@batchwise/core';

/* Messages between the conformance page and its worker. */

export interface ConformanceRequest {
  backends: string[];
  /** The ONNX vectors' bytes by test name, when the server has them. */
  onnxVectors: Map<string, VectorBytes> | null;
}

/** One backend's result; `kernels` as runConformance gives them. */
export interface BackendResult {
  backend: string;
  detail: string;
  /** backend.info() after the run (threads, and how many tasks the pool's workers ran). */
  info: BackendInfo;
  seconds: number;
  pass: boolean;
  kernels: ConformanceReport['kernels'];
  failures: string[];
}

export type ConformanceMessage =
  | { type: 'progress'; text: string }
  | { type: 'backend'; result: BackendResult }
  | { type: 'unavailable'; backend: string; reason: string }
  | { type: 'gradients'; pass: boolean; checks: number; failures: string[] }
  | { type: 'done' }
  | { type: 'error'; message: string };
