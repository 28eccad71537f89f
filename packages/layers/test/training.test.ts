import { Tensor, tensor } from '@batchwise/core';
import { afterEach, describe, expect, it } from 'vitest';
import { callbacks, input, layers, model, sequential, setWarningHandler, train, type Logs } from '../src/index.js';
import { randn } from './helpers.js';

function data(n: number, seed: number) {
  const x = randn([n, 4], seed);
  const y = new Float32Array(n * 2);
  for (let r = 0; r < n; r++) y[r * 2 + (x.data[r * 4] + x.data[r * 4 + 1] > 0 ? 1 : 0)] = 1;
  return { x, y: new Tensor(y, [n, 2]) };
}

function net(prefix: string) {
  const m = sequential({
    layers: [
      layers.dense({ units: 8, inputShape: [4], activation: 'relu', name: `${prefix}_d1` }),
      layers.batchNormalization({ name: `${prefix}_bn` }),
      layers.dense({ units: 2, activation: 'softmax', name: `${prefix}_d2` }),
    ],
  });
  m.compile({ optimizer: train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return m;
}

/** Sum of |kernel| into one unit of a [4, 8] kernel. */
function weightSum(k: Float32Array, unit: number): number {
  let s = 0;
  for (let j = 0; j < 4; j++) s += Math.abs(k[j * 8 + unit]);
  return s;
}

let restore: ((m: string) => void) | null = null;
afterEach(() => {
  if (restore) setWarningHandler(restore);
  restore = null;
});

describe('fit, evaluate, predict', () => {
  it('learns a separable problem and reports loss and accuracy per epoch', async () => {
    const { x, y } = data(128, 1);
    const m = net('learn');
    const h = await m.fit(x, y, { epochs: 15, batchSize: 16, verbose: 0, validationSplit: 0.25 });
    expect(Object.keys(h.history).sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']);
    expect(h.history.loss[14]).toBeLessThan(h.history.loss[0]);
    expect(h.history.accuracy[14]).toBeGreaterThan(0.9);
    const [loss, acc] = m.evaluate(x, y) as number[];
    expect(loss).toBeLessThan(0.4);
    expect(acc).toBeGreaterThan(0.85);
  });

  it('calls callbacks in order with batch and epoch logs', async () => {
    const { x, y } = data(10, 2);
    const m = net('cb');
    const events: string[] = [];
    await m.fit(x, y, {
      epochs: 2, batchSize: 4, verbose: 0,
      callbacks: {
        onTrainBegin: () => void events.push('trainBegin'),
        onEpochBegin: (e) => void events.push(`epochBegin ${e}`),
        onBatchEnd: (b, logs: Logs) => void events.push(`batch ${b} size ${logs.size}`),
        onEpochEnd: (e, logs: Logs) => void events.push(`epochEnd ${e} ${Number.isFinite(logs.loss)}`),
        onTrainEnd: () => void events.push('trainEnd'),
      },
    });
    expect(events).toEqual([
      'trainBegin',
      'epochBegin 0', 'batch 0 size 4', 'batch 1 size 4', 'batch 2 size 2', 'epochEnd 0 true',
      'epochBegin 1', 'batch 0 size 4', 'batch 1 size 4', 'batch 2 size 2', 'epochEnd 1 true',
      'trainEnd',
    ]);
  });

  it('seeded shuffle makes runs repeat exactly; another seed differs', async () => {
    const { x, y } = data(32, 3);
    const losses = async (seed: number, prefix: string) => (await net(prefix).fit(x, y, { epochs: 2, batchSize: 8, verbose: 0, seed })).history.loss;
    const a = await losses(1, 'rep');
    const b = await losses(1, 'rep');
    const c = await losses(2, 'rep');
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('early stopping stops when val_loss stops improving and can restore the best weights', async () => {
    const { x, y } = data(64, 4);
    const m = net('es');
    m.compile({ optimizer: train.sgd(5), loss: 'categoricalCrossentropy' }); // too large: val_loss bounces
    const stop = callbacks.earlyStopping({ patience: 1, restoreBestWeights: true });
    const h = await m.fit(x, y, { epochs: 50, batchSize: 8, verbose: 0, validationData: [x, y], callbacks: [stop] });
    expect(h.epoch.length).toBeLessThan(50);
    expect(stop.stoppedEpoch).toBe(h.epoch[h.epoch.length - 1]);
    const best = Math.min(...h.history.val_loss);
    // Batch losses are float32 kernel results (as in tfjs), averaged over batches of 8 there and 32
    // here: equal to a few float32 roundings, relative (the diverged loss is ~1e7).
    expect(Math.abs((m.evaluate(x, y) as number) - best) / best).toBeLessThan(1e-6);
  });

  it('stops on a NaN loss with a clear message and leaves weights and moving statistics as before that batch', async () => {
    const seen: string[] = [];
    restore = setWarningHandler((w) => seen.push(w));
    const { x, y } = data(16, 5);
    const m = net('nan');
    await m.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    const before = m.getWeights();
    // Sample 10 (second batch of the next fit, no shuffle): finite (NaN in x is refused up front), but
    // chosen so the first layer's most weighted unit sums past float32's range: Infinity, then NaN in batch norm.
    const k = m.weights[0].value.data;
    const unit = [...Array(8).keys()].reduce((best, u) => (weightSum(k, u) > weightSum(k, best) ? u : best), 0);
    for (let j = 0; j < 4; j++) x.data[40 + j] = Math.sign(k[j * 8 + unit]) * 3.4e38;
    const h = await m.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0, shuffle: false });
    expect(h.epoch).toEqual([0]);
    expect(h.stopReason).toMatch(/loss became NaN at epoch 1, batch 1; training stopped \(terminateOnNaN\)\. That batch was not applied/);
    expect(seen).toEqual([h.stopReason]);
    m.getWeights().forEach((w, i) => expect(w.data.every(Number.isFinite), m.weights[i].fullName).toBe(true));
    expect(m.getWeights()[0].data).not.toEqual(before[0].data);
  });

  it('predict runs in batches in inference mode and matches one big batch', () => {
    const m = net('pb');
    const x = randn([50, 4], 6);
    const a = m.predict(x, { batchSize: 7 }) as Tensor;
    const b = m.predict(x, { batchSize: 64 }) as Tensor;
    expect(a.shape).toEqual([50, 2]);
    for (let i = 0; i < a.size; i++) expect(a.data[i]).toBeCloseTo(b.data[i], 6);
  });

  it('getWeights/setWeights use tfjs order: trainable weights first, then moving statistics', () => {
    const m = net('order');
    expect(m.weights.map((w) => w.fullName)).toEqual([
      'order_d1/kernel', 'order_d1/bias', 'order_bn/gamma', 'order_bn/beta', 'order_d2/kernel', 'order_d2/bias',
      'order_bn/moving_mean', 'order_bn/moving_variance',
    ]);
    const ws = m.getWeights().map((w) => new Tensor(w.data.map((_, i) => i / 10), w.shape));
    m.setWeights(ws);
    expect(m.getWeights()).toEqual(ws);
    expect(() => m.setWeights(ws.slice(1))).toThrow(/setWeights: weights must be a list of 8 tensors/);
  });

  it('summary prints a Keras-style table with counts and warns about a bias feeding straight into BN', () => {
    const seen: string[] = [];
    restore = setWarningHandler((w) => seen.push(w));
    const m = sequential({
      layers: [layers.dense({ units: 16, inputShape: [5], name: 'sd1' }), layers.batchNormalization({ name: 'sbn' }), layers.dense({ units: 2, activation: 'softmax', name: 'sd2' })],
      name: 'sum',
    });
    const lines: string[] = [];
    const text = m.summary(undefined, undefined, (l) => lines.push(l));
    expect(lines.join('\n')).toBe(text);
    expect(text).toMatch(/^Model: "sum"/);
    expect(text).toMatch(/Layer \(type\)\s+Output Shape\s+Param #/);
    expect(text).toMatch(/sd1 \(Dense\)\s+\[null,16\]\s+96/);
    expect(text).toMatch(/sbn \(BatchNormalization\)\s+\[null,16\]\s+64/);
    expect(text).toMatch(/Total params: 194\nTrainable params: 162\nNon-trainable params: 32/);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(/sd1 \(Dense\) has a bias and feeds straight into sbn/);
  });

  it('trains a two-input functional model', async () => {
    const a = input({ shape: [3] });
    const b = input({ shape: [2] });
    const merged = layers.concatenate().apply([layers.dense({ units: 4, activation: 'relu' }).apply(a), b]);
    const out = layers.dense({ units: 1 }).apply(layers.batchNormalization().apply(merged));
    const m = model({ inputs: [a, b], outputs: out });
    m.compile({ optimizer: train.sgd({ learningRate: 0.05, momentum: 0.9, nesterov: true }), loss: 'meanSquaredError' });
    const xa = randn([32, 3], 7);
    const xb = randn([32, 2], 8);
    const y = new Tensor(Float32Array.from({ length: 32 }, (_, r) => xa.data[r * 3] - xb.data[r * 2 + 1]), [32, 1]);
    const h = await m.fit([xa, xb], y, { epochs: 20, batchSize: 8, verbose: 0 });
    expect(h.history.loss[19]).toBeLessThan(h.history.loss[0] / 4);
    expect(m.summary(undefined, undefined, () => {})).toMatch(/Connected to/);
  });

  it('binary cross-entropy with a sigmoid output uses binary accuracy', async () => {
    const m = sequential({ layers: [layers.dense({ units: 1, inputShape: [2], activation: 'sigmoid' })] });
    m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy', metrics: ['acc'] });
    const r = (await m.trainOnBatch(tensor([[1, 0], [0, 1]]), tensor([[1], [0]]))) as number[];
    expect(r).toHaveLength(2);
    expect([0, 0.5, 1]).toContain(r[1]);
  });

  it('Adam follows the Keras 3 formula exactly (float64 reference)', async () => {
    const d = layers.dense({ units: 1, inputShape: [2], useBias: false, kernelInitializer: 'zeros', name: 'adam_d' });
    const m = sequential({ layers: [d] });
    m.compile({ optimizer: train.adam(0.1, 0.9, 0.999, 1e-7), loss: 'meanSquaredError' });
    const x = tensor([[1, 2], [3, -1]]);
    const y = tensor([[1], [0]]);
    let w = [0, 0];
    const mom = [0, 0];
    const vel = [0, 0];
    for (let t = 1; t <= 3; t++) {
      const p = [w[0] + 2 * w[1], 3 * w[0] - w[1]];
      const g = [((p[0] - 1) * 1 + (p[1] - 0) * 3), ((p[0] - 1) * 2 + (p[1] - 0) * -1)]; // 2/N * sum(err * x), N = 2
      const alpha = (0.1 * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t);
      w = w.map((wi, i) => {
        mom[i] = 0.9 * mom[i] + 0.1 * g[i];
        vel[i] = 0.999 * vel[i] + 0.001 * g[i] * g[i];
        return wi - (alpha * mom[i]) / (Math.sqrt(vel[i]) + 1e-7);
      });
      await m.trainOnBatch(x, y);
      d.kernel.value.data.forEach((v, i) => expect(Math.abs(v - w[i])).toBeLessThan(1e-6));
    }
  });

  it('a frozen Dense keeps its weights while later layers train; trainable counts follow', async () => {
    const frozen = layers.dense({ units: 3, inputShape: [2], trainable: false, name: 'fz_d' });
    const m = sequential({ layers: [frozen, layers.dense({ units: 1, name: 'fz_out' })] });
    m.compile({ optimizer: train.sgd(0.1), loss: 'meanSquaredError' });
    const before = Array.from(frozen.kernel.value.data);
    const out = m.layers[1] as unknown as { kernel: { value: Tensor } };
    const outBefore = Array.from(out.kernel.value.data);
    await m.fit(randn([16, 2], 9), randn([16, 1], 10), { epochs: 2, batchSize: 4, verbose: 0 });
    expect(Array.from(frozen.kernel.value.data)).toEqual(before);
    expect(Array.from(out.kernel.value.data)).not.toEqual(outBefore);
    expect(m.trainableWeights.map((w) => w.fullName)).toEqual(['fz_out/kernel', 'fz_out/bias']);
    expect(m.summary(undefined, undefined, () => {})).toMatch(/Total params: 13\nTrainable params: 4\nNon-trainable params: 9/);
  });
});
