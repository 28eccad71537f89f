import '../styles.css';
import type { VectorBytes } from '@batchwise/conformance';
import { byId } from '../demo/dom.js';
import { PAGE_BACKENDS } from '../shared/backends.js';
import type { BackendResult, ConformanceMessage } from './protocol.js';
import { renderMatrix } from './matrix.js';

/*
 * The conformance page: runs the suite in a worker and shows the kernel x
 * backend matrix. ONNX's test vectors are fetched from onnx-node-tests/ when
 * the server has them (index.json lists each vector's data files); they are
 * not shipped with the page, so elsewhere those cases are skipped, saying so.
 * `?run` starts at once; `window.batchwiseConformance` holds the results.
 * `?backends=wasm` runs only the backends named.
 */

interface Results {
  backends: BackendResult[];
  unavailable: { backend: string; reason: string }[];
  gradients: { pass: boolean; checks: number; failures: string[] } | null;
  onnx: boolean;
}

const status = byId('status');
const error = byId('error');
const button = byId<HTMLButtonElement>('run');

async function fetchBytes(url: string): Promise<Uint8Array> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url} must be served with HTTP status 200, received ${r.status}.`);
  return new Uint8Array(await r.arrayBuffer());
}

/** The ONNX vectors, when the server has them; null (the cases are skipped) when it has no index. */
async function onnxVectors(): Promise<Map<string, VectorBytes> | null> {
  const index = await fetch('onnx-node-tests/index.json');
  if (!index.ok) return null;
  const listing = (await index.json()) as Record<string, { inputs: string[]; outputs: string[] }>;
  const vectors = new Map<string, VectorBytes>();
  for (const [test, files] of Object.entries(listing)) {
    const data = (f: string) => fetchBytes(`onnx-node-tests/${test}/test_data_set_0/${f}`);
    vectors.set(test, { model: await fetchBytes(`onnx-node-tests/${test}/model.onnx`), inputs: await Promise.all(files.inputs.map(data)), outputs: await Promise.all(files.outputs.map(data)) });
  }
  return vectors;
}

/** `?backends=wasm,cpu` runs those (in that order); the page's backends otherwise. */
function chosenBackends(): string[] {
  const asked = new URLSearchParams(location.search).get('backends');
  return asked ? asked.split(',').filter((b) => b !== '') : [...PAGE_BACKENDS];
}

async function run(): Promise<Results> {
  button.disabled = true;
  error.textContent = '';
  status.textContent = 'Fetching ONNX test vectors, if served…';
  const vectors = await onnxVectors();
  const results: Results = { backends: [], unavailable: [], gradients: null, onnx: vectors !== null };
  const worker = new Worker(new URL('./conformance-worker.ts', import.meta.url), { type: 'module', name: 'batchwise-conformance' });
  await new Promise<void>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<ConformanceMessage>) => {
      const m = event.data;
      if (m.type === 'progress') status.textContent = m.text;
      else if (m.type === 'backend') results.backends.push(m.result);
      else if (m.type === 'unavailable') results.unavailable.push({ backend: m.backend, reason: m.reason });
      else if (m.type === 'gradients') results.gradients = { pass: m.pass, checks: m.checks, failures: m.failures };
      else if (m.type === 'error') reject(new Error(m.message));
      else resolve();
      renderMatrix(byId<HTMLTableElement>('matrix'), results.backends);
    };
    worker.onerror = (e) => reject(new Error(e.message));
    worker.postMessage({ backends: chosenBackends(), onnxVectors: vectors });
  }).finally(() => worker.terminate());
  const passed = results.backends.every((b) => b.pass) && results.gradients?.pass === true;
  const skipped = results.unavailable.map((u) => ` ${u.backend} is unavailable: ${u.reason}`).join('');
  const onnx = vectors ? '' : ' ONNX vectors are not served here: their cases are skipped.';
  status.textContent = `${passed ? 'Every kernel passes' : 'Some kernels FAIL'} on ${results.backends.map((b) => `${b.detail} in ${b.seconds.toFixed(1)} s`).join(', ')}; reference gradients: ${results.gradients?.pass ? 'pass' : 'FAIL'} (${results.gradients?.checks} checks).${onnx}${skipped}`;
  return results;
}

const done = (p: Promise<Results>) => {
  const w = window as unknown as { batchwiseConformance?: Promise<Results> };
  w.batchwiseConformance = p;
  p.catch((e: unknown) => (error.textContent = e instanceof Error ? e.message : String(e))).finally(() => (button.disabled = false));
};
button.addEventListener('click', () => done(run()));
if (new URLSearchParams(location.search).has('run')) done(run());
