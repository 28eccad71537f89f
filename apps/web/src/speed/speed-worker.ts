import { chooseBackend, PAGE_BACKENDS } from '../shared/backends.js';
import { fetchImageFile, type ImageSet } from '../shared/image-file.js';
import { INPUT_SIZE, VARIANTS } from '../shared/networks.js';
import { batchwise, tfjs, type Contender, type Trainer } from './contenders.js';
import type { SpeedMessage, SpeedRequest, SpeedResult } from './protocol.js';

/*
 * Times training steps of each contender in turn, `rounds` times over, in
 * one worker: the same batches for all, one untimed step after every switch
 * (TensorFlow.js moves its weights when its global backend changes), and
 * the median of the rounds reported (apps/bench's rule: interleave, median).
 */

interface WorkerScope {
  postMessage(message: SpeedMessage): void;
  onmessage: ((event: { data: SpeedRequest }) => void) | null;
}
const scope = self as unknown as WorkerScope;
const post = (m: SpeedMessage) => scope.postMessage(m);

function batch(set: ImageSet, index: number, n: number): { x: Float32Array; y: Float32Array } {
  const start = (index * n) % (set.count - n);
  const x = new Float32Array(n * INPUT_SIZE);
  const pixels = set.pixels.subarray(start * INPUT_SIZE, (start + n) * INPUT_SIZE);
  for (let i = 0; i < x.length; i++) x[i] = pixels[i] / 255;
  return { x, y: Float32Array.from(set.labels.subarray(start, start + n)) };
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function run(r: SpeedRequest): Promise<void> {
  await chooseBackend();
  const set = (await fetchImageFile(r.dataUrl)).get('fashion-train');
  if (!set) throw new Error(`${r.dataUrl} must hold a 'fashion-train' section.`);
  const candidates: Contender[] = [...PAGE_BACKENDS.map((b) => batchwise(b)), tfjs('cpu', r.tfjsWasmPaths), tfjs('wasm', r.tfjsWasmPaths)];
  const entries: { contender: Contender; trainers: Map<string, Trainer>; rounds: Map<string, number[]>; detail: string }[] = [];
  for (const contender of candidates) {
    try {
      await contender.activate();
      const trainers = new Map(VARIANTS.map((v) => [v, contender.network(v)] as const));
      entries.push({ contender, trainers, rounds: new Map(VARIANTS.map((v) => [v, []])), detail: contender.detail() });
    } catch (e) {
      post({ type: 'unavailable', contender: contender.name, reason: e instanceof Error ? e.message : String(e) });
    }
  }
  let k = 0;
  for (let round = 0; round < r.rounds; round++) {
    for (const e of entries) {
      await e.contender.activate();
      for (const v of VARIANTS) {
        post({ type: 'progress', text: `Round ${round + 1} of ${r.rounds}: ${e.contender.name}, ${v === 'bn' ? 'with' : 'without'} BN…` });
        const trainer = e.trainers.get(v)!;
        const warm = batch(set, k++, r.batchSize);
        await trainer.step(warm.x, warm.y, r.batchSize);
        const batches = Array.from({ length: r.steps }, () => batch(set, k++, r.batchSize));
        const started = performance.now();
        for (const b of batches) await trainer.step(b.x, b.y, r.batchSize);
        e.rounds.get(v)!.push((r.steps * r.batchSize) / ((performance.now() - started) / 1000));
      }
    }
  }
  for (const e of entries) {
    for (const v of VARIANTS) {
      const rounds = e.rounds.get(v)!;
      const result: SpeedResult = { contender: e.contender.name, detail: e.detail, variant: v, rounds, median: median(rounds) };
      post({ type: 'result', result });
    }
  }
  post({ type: 'done' });
}

scope.onmessage = (event) => {
  run(event.data).catch((e: unknown) => post({ type: 'error', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) }));
};
