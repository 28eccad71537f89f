import { checkReferenceGradients, runConformance } from '@batchwise/conformance';
import { findBackend } from '@batchwise/core';
import { chooseBackend, describeBackend } from '../shared/backends.js';
import type { ConformanceMessage, ConformanceRequest } from './protocol.js';

/*
 * Runs the conformance suite in a Web Worker of the page: the same
 * runConformance as `pnpm conformance` under Node, on each backend the
 * page loads, then the reference gradients against finite differences.
 */

interface WorkerScope {
  postMessage(message: ConformanceMessage): void;
  onmessage: ((event: { data: ConformanceRequest }) => void) | null;
}
const scope = self as unknown as WorkerScope;
const post = (m: ConformanceMessage) => scope.postMessage(m);

async function run(request: ConformanceRequest): Promise<void> {
  await chooseBackend();
  for (const name of request.backends) {
    let backend;
    try {
      backend = findBackend(name);
    } catch (e) {
      post({ type: 'unavailable', backend: name, reason: e instanceof Error ? e.message : String(e) });
      continue;
    }
    post({ type: 'progress', text: `Running the suite on ${name}…` });
    const started = performance.now();
    const report = runConformance(backend, request.onnxVectors ? { onnxVectors: request.onnxVectors } : {});
    const failures = report.results.filter((r) => !r.pass && !r.skipped).map((r) => r.message ?? `${r.kernel} '${r.case}' failed.`);
    post({ type: 'backend', result: { backend: name, detail: describeBackend(backend), info: backend.info(), seconds: (performance.now() - started) / 1000, pass: report.pass, kernels: report.kernels, failures } });
  }
  const gradients = checkReferenceGradients();
  post({ type: 'gradients', pass: gradients.every((g) => g.pass), checks: gradients.length, failures: gradients.filter((g) => !g.pass).map((g) => g.message ?? g.kernel) });
  post({ type: 'done' });
}

scope.onmessage = (event) => {
  run(event.data).catch((e: unknown) => post({ type: 'error', message: e instanceof Error ? e.message : String(e) }));
};
