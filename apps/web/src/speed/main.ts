import '../styles.css';
import tfCpu from '@tensorflow/tfjs-backend-cpu/dist/tf-backend-cpu.es2017.min.js?url';
import tfWasm from '@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.es2017.min.js?url';
import plainWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simdWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedWasm from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import tfCore from '@tensorflow/tfjs-core/dist/tf-core.es2017.min.js?url';
import tfLayers from '@tensorflow/tfjs-layers/dist/tf-layers.es2017.min.js?url';
import { byId } from '../demo/dom.js';
import { VARIANTS } from '../shared/networks.js';
import type { FromSpeedWorker, SpeedResult, ToSpeedWorker } from './protocol.js';

/*
 * The speed page: batchwise (one worker) and TensorFlow.js (another) train
 * the demo's networks on the same batches, one contender at a time, round
 * after round, and the table gives images per second (median of rounds).
 * TensorFlow.js's scripts and .wasm files are served with the page.
 * `?run&steps=..&rounds=..` starts at once; `window.batchwiseSpeed` holds the results.
 */

const status = byId('status');
const error = byId('error');
const button = byId<HTMLButtonElement>('run');
const table = byId<HTMLTableElement>('results');
const params = new URLSearchParams(location.search);
const absolute = (u: string) => new URL(u, document.baseURI).href;
const BATCH = 64;

/** A worker answering one request at a time. */
function client(worker: Worker): (m: ToSpeedWorker) => Promise<FromSpeedWorker> {
  let queue = Promise.resolve() as Promise<unknown>;
  return (m) => {
    const answer = queue.then(() => new Promise<FromSpeedWorker>((resolve, reject) => {
      worker.onmessage = (e: MessageEvent<FromSpeedWorker>) => (e.data.type === 'error' ? reject(new Error(e.data.message)) : resolve(e.data));
      worker.onerror = (e) => reject(new Error(`the speed worker failed: ${e.message}`));
      worker.postMessage(m);
    }));
    queue = answer.catch(() => undefined);
    return answer;
  };
}

// The backend sits under its library's name, not in a column of its own: the table then fits a phone's width.
function render(results: SpeedResult[]): void {
  const rows = results.map((r) => `<tr><th scope="row">${r.contender}<span class="detail">${r.detail}</span></th><td>${r.variant === 'bn' ? 'with BN' : 'without BN'}</td><td>${Math.round(r.median).toLocaleString('en')}</td><td>${r.rounds.map((v) => Math.round(v)).join(', ')}</td></tr>`);
  table.innerHTML = `<thead><tr><th scope="col">library and backend</th><th scope="col">network</th><th scope="col">images/s (median)</th><th scope="col">rounds</th></tr></thead><tbody>${rows.join('')}</tbody>`;
  table.hidden = false;
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function measure() {
  const steps = Number(params.get('steps') ?? 20);
  const rounds = Number(params.get('rounds') ?? 5);
  const workers = [
    new Worker(new URL('./batchwise-worker.ts', import.meta.url), { type: 'module', name: 'batchwise-speed' }),
    new Worker(new URL('./tfjs-worker.ts', import.meta.url), { type: 'classic', name: 'tfjs-speed' }),
  ];
  try {
    const dataUrl = absolute('data/images.bin.gz');
    const tfjs = {
      scripts: [tfCore, tfCpu, tfLayers, tfWasm].map(absolute),
      wasmPaths: { 'tfjs-backend-wasm.wasm': absolute(plainWasm), 'tfjs-backend-wasm-simd.wasm': absolute(simdWasm), 'tfjs-backend-wasm-threaded-simd.wasm': absolute(threadedWasm) },
    };
    status.textContent = 'Loading both libraries…';
    const clients = workers.map(client);
    const entries: { send: ReturnType<typeof client>; name: string; detail: string }[] = [];
    const unavailable: { contender: string; reason: string }[] = [];
    for (const [i, send] of clients.entries()) {
      const ready = await send({ type: 'setup', dataUrl, ...(i === 1 ? { tfjs } : {}) });
      if (ready.type !== 'ready') throw new Error(`the speed worker answered '${ready.type}' to setup.`);
      for (const c of ready.contenders) entries.push({ send, ...c });
      unavailable.push(...ready.unavailable);
    }
    const times = new Map(entries.flatMap((e) => VARIANTS.map((v) => [`${e.name}/${v}`, [] as number[]])));
    let batchIndex = 0;
    for (let round = 0; round < rounds; round++) {
      for (const e of entries) {
        for (const v of VARIANTS) {
          status.textContent = `Round ${round + 1} of ${rounds}: ${e.name}, ${v === 'bn' ? 'with' : 'without'} BN…`;
          const r = await e.send({ type: 'round', contender: e.name, variant: v, steps, batchSize: BATCH, firstBatch: batchIndex });
          if (r.type === 'timed') times.get(`${e.name}/${v}`)!.push(r.imagesPerSecond);
        }
      }
      batchIndex += steps + 1;
    }
    const results = entries.flatMap((e) => VARIANTS.map((v): SpeedResult => {
      const per = times.get(`${e.name}/${v}`)!;
      return { contender: e.name, detail: e.detail, variant: v, rounds: per, median: median(per) };
    }));
    render(results);
    const missing = unavailable.map((u) => ` ${u.contender} is unavailable: ${u.reason}`).join('');
    status.textContent = `Done: ${rounds} rounds of ${steps} steps each, batch ${BATCH}; ${navigator.hardwareConcurrency} logical cores; cross-origin isolated: ${crossOriginIsolated ? 'yes' : 'no'}.${missing}`;
    return { results, unavailable, hardwareConcurrency: navigator.hardwareConcurrency, crossOriginIsolated };
  } finally {
    for (const w of workers) w.terminate();
  }
}

const start = () => {
  button.disabled = true;
  error.textContent = '';
  const p = measure();
  (window as unknown as { batchwiseSpeed: unknown }).batchwiseSpeed = p;
  p.catch((e: unknown) => (error.textContent = e instanceof Error ? e.message : String(e))).finally(() => (button.disabled = false));
};
button.addEventListener('click', start);
if (params.has('run')) start();
