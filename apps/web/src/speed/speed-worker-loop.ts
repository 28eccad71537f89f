import { fetchImageFile, type ImageSet } from '../shared/image-file.js';
import { INPUT_SIZE, VARIANTS, type Variant } from '../shared/networks.js';
import type { FromSpeedWorker, SpeedSetup, ToSpeedWorker } from './protocol.js';

/*
 * What both speed workers do with their contenders: set them up, then time
 * one round at a time as the page asks (the page interleaves contenders).
 * Before each timed round, one untimed step: TensorFlow.js moves its weights
 * when its global backend changes, and the first step warms caches.
 */

export interface Trainer {
  step(x: Float32Array, y: Float32Array, n: number): Promise<void>;
}

export interface Contender {
  name: string;
  /** Makes this contender's backend current (tfjs has one global backend). */
  activate(): Promise<void>;
  detail(): string;
  network(variant: Variant): Trainer;
}

/** Batch `index` of n images, the same for every contender (consecutive images, wrapping around). */
export function batch(set: ImageSet, index: number, n: number): { x: Float32Array; y: Float32Array } {
  const start = (index * n) % (set.count - n);
  const x = new Float32Array(n * INPUT_SIZE);
  const pixels = set.pixels.subarray(start * INPUT_SIZE, (start + n) * INPUT_SIZE);
  for (let i = 0; i < x.length; i++) x[i] = pixels[i] / 255;
  return { x, y: Float32Array.from(set.labels.subarray(start, start + n)) };
}

interface Scope {
  postMessage(m: FromSpeedWorker): void;
  onmessage: ((e: { data: ToSpeedWorker }) => void) | null;
}

export function serveContenders(makeContenders: (setup: SpeedSetup) => Promise<Contender[]>): void {
  const scope = self as unknown as Scope;
  const post = (m: FromSpeedWorker) => scope.postMessage(m);
  let set: ImageSet | undefined;
  const ready = new Map<string, { contender: Contender; trainers: Map<Variant, Trainer> }>();

  async function handle(m: ToSpeedWorker): Promise<void> {
    if (m.type === 'setup') {
      set = (await fetchImageFile(m.dataUrl)).get('fashion-train');
      if (!set) throw new Error(`${m.dataUrl} must hold a 'fashion-train' section.`);
      const unavailable: { contender: string; reason: string }[] = [];
      for (const c of await makeContenders(m)) {
        try {
          await c.activate();
          ready.set(c.name, { contender: c, trainers: new Map(VARIANTS.map((v) => [v, c.network(v)])) });
        } catch (e) {
          unavailable.push({ contender: c.name, reason: e instanceof Error ? e.message : String(e) });
        }
      }
      post({ type: 'ready', contenders: [...ready.values()].map(({ contender }) => ({ name: contender.name, detail: contender.detail() })), unavailable });
      return;
    }
    const entry = ready.get(m.contender)!;
    await entry.contender.activate();
    const trainer = entry.trainers.get(m.variant)!;
    const warm = batch(set!, m.firstBatch, m.batchSize);
    await trainer.step(warm.x, warm.y, m.batchSize);
    const batches = Array.from({ length: m.steps }, (_, i) => batch(set!, m.firstBatch + 1 + i, m.batchSize));
    const started = performance.now();
    for (const b of batches) await trainer.step(b.x, b.y, m.batchSize);
    post({ type: 'timed', imagesPerSecond: (m.steps * m.batchSize) / ((performance.now() - started) / 1000) });
  }

  scope.onmessage = (e) => {
    handle(e.data).catch((err: unknown) => post({ type: 'error', message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }));
  };
}
