import { Tensor, tidy } from '@batchwise/core';
import { loadLayersModel, type LayersModel } from '@batchwise/layers';
import { toFloats, type ImageSet } from '../../shared/image-file.js';
import { byId, formatPercent } from '../dom.js';
import { DrawingPad, paintImage } from './drawing-pad.js';
import { MODEL_CHOICES, type ModelKey } from './model-choice.js';
import { mnistStyle, SIDE } from './mnist-style.js';

/*
 * Part 1 of the page: pick a network, draw or pick an image, read the
 * class probabilities. Prediction runs on the main thread: one image through
 * a 9k-weight network takes about a millisecond.
 */

export interface PredictPanel {
  /** The 28x28 input last given to the network (the test hook reads it). */
  input(): Float32Array | null;
  /** Loads `key` again if it is the network shown (part 2 calls it after saving). */
  refresh(key: ModelKey): Promise<void>;
}

export function predictPanel(images: Promise<Map<string, ImageSet>>): PredictPanel {
  const select = byId<HTMLSelectElement>('model-select');
  const urlForm = byId<HTMLFormElement>('url-form');
  const urlInput = byId<HTMLInputElement>('model-url');
  const status = byId('model-status');
  const error = byId('model-error');
  const preview = byId<HTMLCanvasElement>('preview');
  const list = byId<HTMLOListElement>('probabilities');
  const verdict = byId('prediction');
  const index = byId<HTMLInputElement>('image-index');
  const count = byId('image-count');
  let model: LayersModel | null = null;
  let input: Float32Array | null = null;
  /** Where the input came from ('drawn', 'mnist-test:3'), on the list for tests and tools. */
  let source = '';
  let loading = 0;

  const key = () => select.value as ModelKey;

  function classNames(outputs: number): string[] {
    const named = MODEL_CHOICES[key()].classes;
    return key() !== 'url' && named.length === outputs ? [...named] : Array.from({ length: outputs }, (_, i) => `class ${i}`);
  }

  function predict(): void {
    list.replaceChildren();
    verdict.textContent = '';
    delete list.dataset.source;
    if (!model || !input) return;
    const shape = model.inputs[0].shape;
    const batched = shape.length === 2 ? [1, SIDE * SIDE] : [1, SIDE, SIDE, 1];
    const probabilities = tidy(() => Float32Array.from((model!.predict(new Tensor(input!, batched)) as Tensor).data));
    const names = classNames(probabilities.length);
    const top = probabilities.indexOf(Math.max(...probabilities));
    probabilities.forEach((p, i) => {
      const li = document.createElement('li');
      li.dataset.probability = String(p);
      li.dataset.top = String(i === top);
      const name = document.createElement('span');
      name.className = 'name';
      name.textContent = names[i];
      const value = document.createElement('span');
      value.className = 'value';
      value.textContent = formatPercent(p);
      const bar = document.createElement('span');
      bar.className = 'bar';
      bar.style.width = `${(p * 100).toFixed(1)}%`;
      bar.setAttribute('aria-hidden', 'true');
      li.append(name, value, bar);
      list.append(li);
    });
    verdict.textContent = `Prediction: ${names[top]} (${formatPercent(probabilities[top])})`;
    list.dataset.source = `${key()}/${source}`;
  }

  function setInput(image: Float32Array | null, from: string): void {
    input = image;
    source = from;
    if (image) paintImage(preview, image);
    else preview.getContext('2d')!.clearRect(0, 0, SIDE, SIDE);
    predict();
  }

  const pad = new DrawingPad(byId<HTMLCanvasElement>('pad'), () => setInput(mnistStyle(pad.canvas), 'drawn'));
  byId('clear').addEventListener('click', () => {
    pad.clear();
    setInput(null, '');
  });

  async function pick(): Promise<void> {
    const set = (await images).get(MODEL_CHOICES[key()].images);
    if (!set) return;
    index.max = String(set.count);
    count.textContent = `of ${set.count}`;
    const i = Math.min(set.count, Math.max(1, Math.round(Number(index.value) || 1)));
    index.value = String(i);
    const image = toFloats(set, i - 1, i);
    pad.show(image);
    setInput(image, `${set.name}:${i}`);
  }
  index.addEventListener('change', () => void pick());
  const step = (d: number) => () => {
    index.value = String(Math.max(1, Math.min(Number(index.max) || 1, Number(index.value) + d)));
    void pick();
  };
  byId('image-prev').addEventListener('click', step(-1));
  byId('image-next').addEventListener('click', step(1));

  async function load(k: ModelKey): Promise<void> {
    const ticket = ++loading;
    model = null;
    predict();
    error.textContent = '';
    const source = MODEL_CHOICES[k].source(urlInput.value.trim());
    status.textContent = `Loading ${MODEL_CHOICES[k].label}…`;
    const started = performance.now();
    try {
      const loaded = await loadLayersModel(source);
      if (ticket !== loading) return;
      model = loaded;
      const weights = loaded.weights.reduce((n, w) => n + w.value.size, 0);
      status.textContent = `Loaded ${MODEL_CHOICES[k].label} (${weights.toLocaleString('en')} weights) in ${Math.round(performance.now() - started)} ms.`;
      if (input) predict();
      else await pick();
    } catch (e) {
      if (ticket !== loading) return;
      status.textContent = '';
      error.textContent = e instanceof Error ? e.message : String(e);
    }
  }

  select.addEventListener('change', () => {
    urlForm.hidden = key() !== 'url';
    if (key() === 'url') {
      model = null;
      predict();
      status.textContent = 'Type the URL of a model.json (its weight files must sit beside it) and press Load.';
      return;
    }
    input = null;
    void load(key());
  });
  urlForm.addEventListener('submit', (e) => {
    e.preventDefault();
    void load('url');
  });

  void load(key());
  return {
    input: () => input,
    refresh: async (k) => {
      if (key() === k) await load(k);
    },
  };
}
