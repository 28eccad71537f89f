import '../styles.css';
import plainWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simdWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { byId } from '../demo/dom.js';
import type { SpeedMessage, SpeedRequest, SpeedResult } from './protocol.js';

/*
 * The speed page: batchwise and TensorFlow.js train the demo's networks in
 * one worker; the table gives images per second (median of the rounds).
 * TensorFlow.js's .wasm files are served with the page (Vite copies them).
 * `?run&steps=..&rounds=..` starts at once; `window.batchwiseSpeed` holds the results.
 */

const status = byId('status');
const error = byId('error');
const button = byId<HTMLButtonElement>('run');
const table = byId<HTMLTableElement>('results');
const params = new URLSearchParams(location.search);
const absolute = (u: string) => new URL(u, document.baseURI).href;

function render(results: SpeedResult[]): void {
  const rows = results.map((r) => `<tr><th scope="row">${r.contender}</th><td>${r.detail}</td><td>${r.variant === 'bn' ? 'with BN' : 'without BN'}</td><td>${Math.round(r.median).toLocaleString('en')}</td><td>${r.rounds.map((v) => Math.round(v)).join(', ')}</td></tr>`);
  table.innerHTML = `<thead><tr><th scope="col">library</th><th scope="col">backend</th><th scope="col">network</th><th scope="col">images/s (median)</th><th scope="col">rounds</th></tr></thead><tbody>${rows.join('')}</tbody>`;
  table.hidden = false;
}

function measure(): Promise<{ results: SpeedResult[]; unavailable: { contender: string; reason: string }[]; hardwareConcurrency: number; crossOriginIsolated: boolean }> {
  button.disabled = true;
  error.textContent = '';
  const results: SpeedResult[] = [];
  const unavailable: { contender: string; reason: string }[] = [];
  const worker = new Worker(new URL('./speed-worker.ts', import.meta.url), { type: 'module', name: 'batchwise-speed' });
  const request: SpeedRequest = {
    dataUrl: absolute('data/images.bin.gz'),
    tfjsWasmPaths: { 'tfjs-backend-wasm.wasm': absolute(plainWasm), 'tfjs-backend-wasm-simd.wasm': absolute(simdWasm), 'tfjs-backend-wasm-threaded-simd.wasm': absolute(threadedWasm) },
    steps: Number(params.get('steps') ?? 20),
    rounds: Number(params.get('rounds') ?? 5),
    batchSize: 64,
  };
  return new Promise<typeof results>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<SpeedMessage>) => {
      const m = event.data;
      if (m.type === 'progress') status.textContent = m.text;
      else if (m.type === 'result') results.push(m.result);
      else if (m.type === 'unavailable') unavailable.push({ contender: m.contender, reason: m.reason });
      else if (m.type === 'error') reject(new Error(m.message));
      else resolve(results);
      render(results);
    };
    worker.onerror = (e) => reject(new Error(e.message));
    worker.postMessage(request);
  })
    .then(() => {
      const missing = unavailable.map((u) => ` ${u.contender} is unavailable: ${u.reason}`).join('');
      status.textContent = `Done: ${request.rounds} rounds of ${request.steps} steps each, batch ${request.batchSize}; ${navigator.hardwareConcurrency} logical cores; cross-origin isolated: ${crossOriginIsolated ? 'yes' : 'no'}.${missing}`;
      return { results, unavailable, hardwareConcurrency: navigator.hardwareConcurrency, crossOriginIsolated };
    })
    .finally(() => {
      worker.terminate();
      button.disabled = false;
    });
}

const start = () => {
  const p = measure();
  (window as unknown as { batchwiseSpeed: unknown }).batchwiseSpeed = p;
  p.catch((e: unknown) => (error.textContent = e instanceof Error ? e.message : String(e)));
};
button.addEventListener('click', start);
if (params.has('run')) start();
