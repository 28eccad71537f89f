import { InvalidArgumentError, Tensor, zeros } from '@batchwise/core';
import { afterEach, describe, expect, it } from 'vitest';
import { layers, sequential, setWarningHandler, train } from '../src/index.js';
import { randn } from './helpers.js';

/*
 * Numbers are never silently wrong (issue 11): NaN or Infinity in x, targets
 * that do not fit the loss, and non-finite outputs. Before, fit with NaN in x
 * returned { loss: [null] }, sparse label 12 of 10 classes failed mid-run or
 * counted as a wrong answer, and a NaN weight gave NaN predictions silently.
 */

let restore: ((m: string) => void) | null = null;
afterEach(() => {
  if (restore) setWarningHandler(restore);
  restore = null;
});

function classifier(units = 3, loss = 'categoricalCrossentropy') {
  const m = sequential({ layers: [layers.dense({ units, inputShape: [4], activation: units === 1 ? 'sigmoid' : 'softmax', name: 'out' })] });
  m.compile({ optimizer: train.sgd(0.1), loss, metrics: ['accuracy'] });
  return m;
}

function oneHot(labels: number[], c = 3): Tensor {
  const y = new Float32Array(labels.length * c);
  labels.forEach((l, r) => (y[r * c + l] = 1));
  return new Tensor(y, [labels.length, c]);
}

describe('non-finite inputs', () => {
  it('fit fails before the first step, naming row and column, and changes nothing', async () => {
    const m = classifier();
    const before = m.getWeights().map((w) => [...w.data]);
    const x = randn([10, 4], 1);
    x.data[7 * 4 + 2] = Number.NaN;
    let steps = 0;
    const fit = m.fit(x, oneHot([0, 1, 2, 0, 1, 2, 0, 1, 2, 0]), { epochs: 2, verbose: 0, callbacks: { onBatchBegin: () => void steps++ } });
    await expect(fit).rejects.toThrow(InvalidArgumentError);
    await expect(m.fit(x, oneHot([0, 1, 2, 0, 1, 2, 0, 1, 2, 0]), { verbose: 0 })).rejects.toThrow("Sequential '" + m.name + "' fit: x row 7, column 2 must be finite, received NaN.");
    expect(steps).toBe(0);
    expect(m.getWeights().map((w) => [...w.data])).toEqual(before);
  });

  it('names the position inside an image sample', () => {
    const m = sequential({ layers: [layers.flatten({ inputShape: [2, 3, 1], name: 'f' }), layers.dense({ units: 2, name: 'd' })] });
    const x = zeros([4, 2, 3, 1]);
    x.data[2 * 6 + 5] = Number.POSITIVE_INFINITY;
    expect(() => m.predict(x)).toThrow(/predict: x row 2, column 5 \(position \[1,2,0\] of \[2,3,1\]\) must be finite, received Infinity\.$/);
  });

  it('predict, evaluate and validationData check x too', async () => {
    const m = classifier();
    const x = randn([4, 4], 2);
    x.data[1] = Number.NEGATIVE_INFINITY;
    expect(() => m.predict(x)).toThrow(/predict: x row 0, column 1 must be finite, received -Infinity/);
    expect(() => m.evaluate(x, oneHot([0, 1, 2, 0]))).toThrow(/evaluate: x row 0, column 1 must be finite/);
    await expect(m.fit(randn([4, 4], 3), oneHot([0, 1, 2, 0]), { verbose: 0, validationData: [x, oneHot([0, 1, 2, 0])] })).rejects.toThrow(/fit validationData: x row 0, column 1 must be finite/);
  });
});

describe('targets must fit the loss', () => {
  it.each([[12], [-1], [2.5], [Number.NaN]])('sparse label %s for 3 classes is refused with its row', async (bad) => {
    const m = classifier(3, 'sparseCategoricalCrossentropy');
    const y = new Tensor(Float32Array.from([0, 1, 2, bad, 0]), [5]);
    const message = `y row 3 must be a class index in [0, 2] (sparseCategoricalCrossentropy, 3 classes), received ${bad}.`;
    await expect(m.fit(randn([5, 4], 4), y, { verbose: 0 })).rejects.toThrow(message);
    expect(() => m.evaluate(randn([5, 4], 4), y)).toThrow(message);
  });

  it.each([
    [[0, 0, 0], '[0,0,0]'],
    [[1, 1, 0], '[1,1,0]'],
    [[0.5, 0.7, 0], '[0.5,0.699999988079071,0]'],
  ])('a categorical row that is not one-hot is refused: %j', async (row, shown) => {
    const m = classifier();
    const y = oneHot([0, 1, 2, 0]);
    y.data.set(row, 2 * 3);
    await expect(m.fit(randn([4, 4], 5), y, { verbose: 0 })).rejects.toThrow(`y row 2 must be one-hot (or probabilities summing to 1) over 3 classes (categoricalCrossentropy), received ${shown}.`);
  });

  it('a categorical value outside [0, 1] is refused; label-smoothed rows are accepted', async () => {
    const m = classifier();
    const y = oneHot([0, 1, 2, 0]);
    y.data.set([-1, 2, 0], 3);
    expect(() => m.evaluate(randn([4, 4], 6), y)).toThrow('y row 1, column 0 must be in [0, 1] (categoricalCrossentropy), received -1.');
    const smooth = new Tensor(Float32Array.from({ length: 12 }, (_, i) => (i % 3 === Math.floor(i / 3) % 3 ? 0.9 : 0.05)), [4, 3]);
    await expect(m.fit(randn([4, 4], 6), smooth, { verbose: 0 })).resolves.toBeDefined();
  });

  it('binary targets outside [0, 1] and NaN regression targets are refused', async () => {
    const b = classifier(1, 'binaryCrossentropy');
    await expect(b.trainOnBatch(randn([3, 4], 7), new Tensor(Float32Array.from([0, 2, 1]), [3, 1]))).rejects.toThrow('y row 1, column 0 must be in [0, 1] (binaryCrossentropy), received 2.');
    const r = sequential({ layers: [layers.dense({ units: 1, inputShape: [4], name: 'r' })] });
    r.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    await expect(r.fit(randn([3, 4], 8), new Tensor(Float32Array.from([0, Number.NaN, 1]), [3, 1]), { verbose: 0 })).rejects.toThrow('y row 1, column 0 must be finite, received NaN.');
  });
});

describe('non-finite outputs are flagged', () => {
  it('a NaN weight: predict and evaluate warn, naming the weight', () => {
    const seen: string[] = [];
    restore = setWarningHandler((w) => seen.push(w));
    const m = classifier();
    m.predict(randn([2, 4], 9));
    m.evaluate(randn([2, 4], 9), oneHot([0, 1]));
    expect(seen, 'finite weights: no warning').toEqual([]);
    m.weights[0].value.data[5] = Number.NaN;
    m.predict(randn([2, 4], 9));
    const [loss] = m.evaluate(randn([2, 4], 9), oneHot([0, 1])) as number[];
    expect(loss).toBeNaN();
    expect(seen).toEqual([
      `Sequential '${m.name}' predict: the outputs hold NaN or Infinity (weight 'out/kernel' holds NaN at [1,2]); they are not predictions.`,
      `Sequential '${m.name}' evaluate: the loss is NaN (weight 'out/kernel' holds NaN at [1,2]); the loss and metrics say nothing about the model.`,
    ]);
  });

});
