import { loadLayersModel, type ModelArtifacts } from '@batchwise/layers';
import { VARIANT_LABEL, VARIANTS, WATCHED_UNIT } from '../../shared/networks.js';
import type { Evaluation, FromWorker, Settings, ToWorker } from '../../shared/protocol.js';
import { byId, formatNumber, formatPercent } from '../dom.js';
import { SAVED_MODEL } from '../predict/model-choice.js';
import type { ChartRow, Charts } from './charts.js';

/*
 * Part 2 of the page: the controls, the table and the charts of the two
 * networks training in the worker. The page only sends settings and draws
 * what the worker reports; charts are redrawn at most twice a second, so
 * the main thread stays free for input.
 */

/** The learning rates the slider steps through (SGD): the plain network diverges from about 1 here. */
export const LEARNING_RATES = [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 3, 5, 10] as const;
const DEFAULT_RATE_INDEX = 3;
const REDRAW_MS = 500;
const SEED = 1;

export interface TrainPanel {
  worker: Worker;
  /** Every evaluation received since the page loaded (the test hook reads them). */
  evaluations: Evaluation[];
}

export function trainPanel(onBackend: (name: string, detail: string) => void, onSaved: () => void): TrainPanel {
  const lr = byId<HTMLInputElement>('lr');
  const lrValue = byId<HTMLOutputElement>('lr-value');
  const batch = byId<HTMLSelectElement>('batch-size');
  const start = byId<HTMLButtonElement>('start');
  const reset = byId<HTMLButtonElement>('reset');
  const status = byId('train-status');
  const error = byId('train-error');
  const save = byId<HTMLButtonElement>('save-bn');
  const download = byId<HTMLButtonElement>('download-bn');
  const saveStatus = byId('save-status');
  const worker = new Worker(new URL('../../worker/train-worker.ts', import.meta.url), { type: 'module', name: 'batchwise-training' });
  const send = (m: ToWorker) => worker.postMessage(m);
  let running = false;
  let charts: Charts | null = null;
  let pending: ChartRow[] = [];
  let redraw: ReturnType<typeof setTimeout> | null = null;
  const evaluations: Evaluation[] = [];

  lr.min = '0';
  lr.max = String(LEARNING_RATES.length - 1);
  lr.step = '1';
  lr.value = String(DEFAULT_RATE_INDEX);
  const settings = (): Settings => ({ learningRate: LEARNING_RATES[Number(lr.value)], batchSize: Number(batch.value) });
  const showRate = () => {
    const text = String(settings().learningRate);
    lrValue.textContent = text;
    lr.setAttribute('aria-valuetext', text);
  };
  showRate();
  const changed = () => {
    showRate();
    send({ type: 'settings', settings: settings() });
  };
  lr.addEventListener('input', changed);
  batch.addEventListener('change', changed);
  for (const b of document.querySelectorAll<HTMLButtonElement>('[data-lr]')) {
    b.addEventListener('click', () => {
      lr.value = String(LEARNING_RATES.indexOf(Number(b.dataset.lr) as (typeof LEARNING_RATES)[number]));
      changed();
    });
  }

  start.addEventListener('click', () => send({ type: running ? 'stop' : 'start' }));
  reset.addEventListener('click', () => {
    send({ type: 'reset', seed: SEED });
    evaluations.length = 0;
    pending = [];
    void charts?.clear();
  });
  save.addEventListener('click', () => {
    saveStatus.textContent = 'Saving…';
    send({ type: 'save', variant: 'bn', target: SAVED_MODEL });
  });
  download.addEventListener('click', () => send({ type: 'artifacts', variant: 'bn' }));

  function flush(): void {
    redraw = null;
    const rows = pending;
    pending = [];
    if (charts && rows.length > 0) void charts.add(rows);
  }

  function show(e: Evaluation, speed: Record<string, number>): void {
    for (const v of VARIANTS) {
      const p = e[v];
      const row = document.querySelector<HTMLTableRowElement>(`#train-table tr[data-variant="${v}"]`)!;
      row.querySelector('.loss')!.textContent = p.diverged ? 'diverged' : e.step === 0 ? '–' : formatNumber(p.loss);
      row.querySelector('.accuracy')!.textContent = formatPercent(p.accuracy);
      row.querySelector('.percentiles')!.textContent = p.diverged ? '–' : p.percentiles.map(formatNumber).join(' / ');
      row.querySelector('.speed')!.textContent = speed[v] > 0 ? Math.round(speed[v]).toLocaleString('en') : '–';
      row.dataset.step = String(e.step);
      row.dataset.loss = String(p.loss);
      row.dataset.accuracy = String(p.accuracy);
      pending.push({ step: e.step, network: VARIANT_LABEL[v], loss: e.step === 0 ? Number.NaN : p.loss, accuracy: p.accuracy, p15: p.percentiles[0], p50: p.percentiles[1], p85: p.percentiles[2] });
    }
    if (!redraw) redraw = setTimeout(flush, REDRAW_MS);
  }

  worker.onmessage = (event: MessageEvent<FromWorker>) => {
    const m = event.data;
    switch (m.type) {
      case 'ready':
        onBackend(m.backend, m.backendDetail);
        status.textContent = `Ready: ${m.trainImages.toLocaleString('en')} training images, ${m.testImages} test images. Press Start.`;
        start.disabled = reset.disabled = save.disabled = download.disabled = false;
        return;
      case 'evaluation':
        evaluations.push(m.evaluation);
        show(m.evaluation, m.imagesPerSecond);
        return;
      case 'state':
        running = m.running;
        start.textContent = running ? 'Stop' : 'Start';
        status.textContent = running ? 'Training…' : `Not training (${m.reason}).`;
        return;
      case 'saved':
        saveStatus.textContent = `Saved as ${m.target}. In part 1, choose “Your network from part 2” to use it.`;
        onSaved();
        return;
      case 'artifacts':
        void loadLayersModel(m.artifacts as ModelArtifacts)
          .then((model) => model.save('downloads://batchwise-demo-bn'))
          .then(() => (saveStatus.textContent = 'Offered batchwise-demo-bn.json and batchwise-demo-bn.weights.bin as downloads.'))
          .catch((e: unknown) => (error.textContent = e instanceof Error ? e.message : String(e)));
        return;
      case 'error':
        error.textContent = m.message;
        running = false;
        start.textContent = 'Start';
        return;
    }
  };
  worker.onerror = (e) => {
    error.textContent = `The training worker failed: ${e.message}`;
  };

  void import('./charts.js')
    .then(({ createCharts }) => createCharts(byId('chart-loss'), byId('chart-accuracy'), byId('chart-unit'), WATCHED_UNIT))
    .then((c) => {
      charts = c;
      if (pending.length > 0 && !redraw) redraw = setTimeout(flush, 0);
    })
    .catch((e: unknown) => (error.textContent = `The charts failed to load: ${e instanceof Error ? e.message : String(e)}`));

  send({ type: 'init', dataUrl: new URL('data/images.bin.gz', document.baseURI).href, seed: SEED, settings: settings() });
  return { worker, evaluations };
}
