import '../styles.css';
import { fetchImageFile } from '../shared/image-file.js';
import { chooseBackend, describeBackend } from '../shared/backends.js';
import { byId } from './dom.js';
import { predictPanel } from './predict/predict-panel.js';
import { trainPanel } from './train/train-panel.js';

/*
 * The demo page: part 1 asks a shipped network (main thread), part 2 trains
 * two networks in a Web Worker. `window.batchwiseDemo` lets the browser
 * tests read the exact input given to the network and every evaluation.
 */

const backendStatus = byId('backend-status');
// The network list stays disabled (index.html) until the backend is loaded (wasm's module is fetched and compiled first).
await chooseBackend();
const pageBackend = describeBackend();
backendStatus.textContent = `Backend: ${pageBackend} on this page; the training worker is starting…`;

const images = fetchImageFile(new URL('data/images.bin.gz', document.baseURI).href);
const predict = predictPanel(images);
byId<HTMLSelectElement>('model-select').disabled = false;
const training = trainPanel(
  (_name, detail) => (backendStatus.textContent = `Backend: ${pageBackend} on this page, ${detail} in the training worker.`),
  () => void predict.refresh('saved'),
);
images.catch((e: unknown) => (byId('model-error').textContent = `The test images failed to load: ${e instanceof Error ? e.message : String(e)}`));

(window as unknown as { batchwiseDemo: unknown }).batchwiseDemo = {
  input: () => (predict.input() ? Array.from(predict.input()!) : null),
  evaluations: () => training.evaluations,
};
