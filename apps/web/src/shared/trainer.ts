import { Random, Tensor, tidy } from '@batchwise/core';
import type { LayersModel } from '@batchwise/layers';
import type { ImageSet } from './image-file.js';
import { toFloats } from './image-file.js';
import { demoNetwork, INPUT_SIZE, VARIANTS, WATCHED_UNIT, type Variant } from './networks.js';
import { percentiles, unitInput } from './probe.js';
import type { Evaluation, NetworkPoint, Settings } from './protocol.js';

/*
 * The two networks trained side by side on the same batches: one step of
 * each in turn, so at any moment both have seen the same data. Pure logic
 * (no messaging), used by the training worker and the speed page.
 */

export class SideBySide {
  readonly models: Record<Variant, LayersModel>;
  step = 0;
  private readonly random: Random;
  private order: Int32Array;
  private position = 0;
  private readonly lossSum: Record<Variant, number> = { plain: 0, bn: 0 };
  private lossSteps = 0;
  readonly diverged: Record<Variant, boolean> = { plain: false, bn: false };
  /** Seconds spent in each network's training steps, and images it trained on. */
  readonly busy: Record<Variant, { seconds: number; images: number }> = { plain: { seconds: 0, images: 0 }, bn: { seconds: 0, images: 0 } };

  constructor(
    private readonly trainSet: ImageSet,
    private readonly testX: Tensor,
    private readonly testLabels: Tensor,
    public settings: Settings,
    seed: number,
  ) {
    this.models = { plain: demoNetwork('plain', settings.learningRate, seed), bn: demoNetwork('bn', settings.learningRate, seed) };
    this.random = new Random(seed);
    this.order = this.shuffled();
  }

  static testTensors(testSet: ImageSet): { x: Tensor; labels: Tensor } {
    return { x: new Tensor(toFloats(testSet), [testSet.count, INPUT_SIZE]), labels: new Tensor(Float32Array.from(testSet.labels), [testSet.count]) };
  }

  private shuffled(): Int32Array {
    const order = Int32Array.from({ length: this.trainSet.count }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = this.random.int(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    return order;
  }

  /** The next batch of the current epoch (a new shuffle when the epoch ends). */
  private nextBatch(): { x: Tensor; y: Tensor } {
    const n = Math.min(this.settings.batchSize, this.trainSet.count);
    if (this.position + n > this.order.length) {
      this.order = this.shuffled();
      this.position = 0;
    }
    const size = INPUT_SIZE;
    const x = new Float32Array(n * size);
    const y = new Float32Array(n);
    for (let r = 0; r < n; r++) {
      const i = this.order[this.position + r];
      const src = this.trainSet.pixels.subarray(i * size, (i + 1) * size);
      for (let k = 0; k < size; k++) x[r * size + k] = src[k] / 255;
      y[r] = this.trainSet.labels[i];
    }
    this.position += n;
    return { x: new Tensor(x, [n, size]), y: new Tensor(y, [n]) };
  }

  /** One SGD step of each network that has not diverged, on the same batch. */
  async trainStep(): Promise<void> {
    const { x, y } = this.nextBatch();
    for (const v of VARIANTS) {
      if (this.diverged[v]) continue;
      const model = this.models[v];
      model.optimizer!.learningRate = this.settings.learningRate;
      const start = performance.now();
      const out = await model.trainOnBatch(x, y);
      const loss = Array.isArray(out) ? out[0] : out;
      this.busy[v].seconds += (performance.now() - start) / 1000;
      this.busy[v].images += x.shape[0];
      if (!Number.isFinite(loss)) this.diverged[v] = true;
      else this.lossSum[v] += loss;
    }
    this.lossSteps += 1;
    this.step += 1;
  }

  imagesPerSecond(): Record<Variant, number> {
    const rate = (v: Variant) => (this.busy[v].seconds > 0 ? this.busy[v].images / this.busy[v].seconds : 0);
    return { plain: rate('plain'), bn: rate('bn') };
  }

  private point(v: Variant, probe: Tensor): NetworkPoint {
    const model = this.models[v];
    const loss = this.diverged[v] ? Number.NaN : this.lossSum[v] / Math.max(1, this.lossSteps);
    if (this.diverged[v]) return { loss, accuracy: Number.NaN, percentiles: [Number.NaN, Number.NaN, Number.NaN], diverged: true };
    return tidy(() => {
      const [, accuracy] = model.evaluate(this.testX, this.testLabels, { batchSize: 500 }) as number[];
      return { loss, accuracy, percentiles: percentiles(unitInput(model, probe, WATCHED_UNIT)), diverged: false };
    });
  }

  /** Loss since the last evaluation, test accuracy and the watched unit's percentiles, for both networks. */
  evaluate(): Evaluation {
    const e: Evaluation = { step: this.step, plain: this.point('plain', this.testX), bn: this.point('bn', this.testX) };
    this.lossSum.plain = this.lossSum.bn = 0;
    this.lossSteps = 0;
    return e;
  }
}
