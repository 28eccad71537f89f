import { getBackend } from '@batchwise/core';
import { modelToArtifacts } from '@batchwise/layers';
import { chooseBackend, describeBackend } from '../shared/backends.js';
import { fetchImageFile, type ImageSet } from '../shared/image-file.js';
import type { FromWorker, Settings, ToWorker } from '../shared/protocol.js';
import { WATCHED_UNIT } from '../shared/networks.js';
import { SideBySide } from '../shared/trainer.js';

/*
 * The demo's training, off the page's main thread so the page stays
 * responsive. It uses the library's public API as any program would; the
 * page only sends settings and draws what comes back.
 */

/** Evaluate (test accuracy, unit percentiles) every this many steps. */
const EVAL_EVERY = 20;
/** Stop by itself after this many steps (a tab left open should not spin forever). */
const MAX_STEPS = 5000;

interface WorkerScope {
  postMessage(message: FromWorker): void;
  onmessage: ((event: { data: ToWorker }) => void) | null;
}
const scope = self as unknown as WorkerScope;
const post = (m: FromWorker) => scope.postMessage(m);

interface Data {
  train: ImageSet;
  test: ReturnType<typeof SideBySide.testTensors>;
}

let trainer: SideBySide | null = null;
let data: Data | null = null;
let settings: Settings = { learningRate: 0.1, batchSize: 64 };
let running = false;

const makeTrainer = (d: Data, seed: number) => new SideBySide(d.train, d.test.x, d.test.labels, settings, seed);

// A zero-delay yield: lets 'stop' and new settings in between steps (setTimeout(0) is clamped to 4 ms once nested).
const channel = new MessageChannel();
const yieldToMessages = () => new Promise<void>((resolve) => {
  channel.port1.onmessage = () => resolve();
  channel.port2.postMessage(null);
});

function setRunning(value: boolean, reason: string): void {
  running = value;
  post({ type: 'state', running: value, reason });
}

async function loop(t: SideBySide): Promise<void> {
  while (running && trainer === t) {
    await t.trainStep();
    if (t.step % EVAL_EVERY === 0) post({ type: 'evaluation', evaluation: t.evaluate(), imagesPerSecond: t.imagesPerSecond() });
    if (t.diverged.plain && t.diverged.bn) setRunning(false, 'both networks diverged');
    else if (t.step >= MAX_STEPS) setRunning(false, `stopped after ${MAX_STEPS} steps`);
    await yieldToMessages();
  }
}

async function handle(m: ToWorker): Promise<void> {
  switch (m.type) {
    case 'init': {
      await chooseBackend();
      const sets = await fetchImageFile(m.dataUrl);
      const train = sets.get('fashion-train');
      const test = sets.get('fashion-test');
      if (!train || !test) throw new Error(`the image file ${m.dataUrl} must hold 'fashion-train' and 'fashion-test' sections, received ${[...sets.keys()].join(', ')}.`);
      settings = m.settings;
      data = { train, test: SideBySide.testTensors(test) };
      trainer = makeTrainer(data, m.seed);
      post({ type: 'ready', backend: getBackend().name, backendDetail: describeBackend(), trainImages: train.count, testImages: test.count, unit: WATCHED_UNIT });
      post({ type: 'evaluation', evaluation: trainer.evaluate(), imagesPerSecond: trainer.imagesPerSecond() });
      return;
    }
    case 'settings':
      settings = m.settings;
      if (trainer) trainer.settings = settings;
      return;
    case 'start':
      if (!trainer || running) return;
      setRunning(true, 'training');
      return loop(trainer);
    case 'stop':
      if (running) setRunning(false, 'stopped');
      return;
    case 'reset':
      if (!data) return;
      setRunning(false, 'reset');
      trainer = makeTrainer(data, m.seed);
      post({ type: 'evaluation', evaluation: trainer.evaluate(), imagesPerSecond: trainer.imagesPerSecond() });
      return;
    case 'save':
      if (!trainer) return;
      await trainer.models[m.variant].save(m.target);
      post({ type: 'saved', variant: m.variant, target: m.target });
      return;
    case 'artifacts':
      if (!trainer) return;
      post({ type: 'artifacts', variant: m.variant, artifacts: modelToArtifacts(trainer.models[m.variant]) });
      return;
  }
}

scope.onmessage = (event) => {
  handle(event.data).catch((e: unknown) => {
    running = false;
    post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  });
};
