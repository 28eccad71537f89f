import { createCpuBackend } from '@batchwise/backend-cpu';
import { FUSED_KERNEL_NAMES, Tensor, hasKernel, registerBackend, removeBackend, setBackend, type Backend } from '@batchwise/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fusionPlan } from '../src/fusion/plan.js';
import { BatchNormalization, layers, model, sequential, train, type LayersModel } from '../src/index.js';
import type { Graph } from '../src/engine/topology.js';
import { expectClose, randn } from './helpers.js';

/*
 * Fused chains against the layers one by one. '<backend>-counting' is a
 * backend with a counter on each fused kernel; '<backend>-unfused' the same
 * backend without its fused kernels, so layers must fall back to the unfused
 * chain, which stays the reference. On cpu the fused kernels run the same
 * loops in the same order, so results agree to the bit; native's (and wasm's) fused
 * backward sums in another order (float64, then rounded), ~1e-7 relative per
 * step, which Adam's 6 steps carry into the weights.
 */
const SAME = { atol: 1e-6, rtol: 1e-5 };
/**
 * Whole training runs on native and wasm, whose fused filter gradient (the
 * first conv's) sums through the patches' Gram matrix: Adam divides by the
 * gradient's root mean square, so a weight whose gradient is near zero moves
 * by up to ~2e-6 more (a wrong kernel moves weights by ~lr = 1e-2).
 */
const SAME_RUN = { atol: 5e-6, rtol: 1e-5 };

let nativeBackend: Backend | null = null;
try {
  const { createNativeBackend } = await import('@batchwise/backend-native');
  nativeBackend = createNativeBackend();
} catch {
  // Without the addon only cpu is compared; backends.test.ts reports why.
}
let wasmBackend: Backend | null = null;
try {
  const { createWasmBackend } = await import('@batchwise/backend-wasm');
  wasmBackend = createWasmBackend();
} catch {
  // Without the built module (no wasm toolchain) wasm is not compared; backends.test.ts reports why.
}

const calls = new Map<string, number>();
function counting(base: () => Backend, name: string): () => Backend {
  return () => {
    const b = base();
    const wrapped: Record<string, unknown> = { ...b, name };
    for (const k of FUSED_KERNEL_NAMES) {
      const fn = b[k] as (...a: unknown[]) => unknown;
      wrapped[k] = (...args: unknown[]) => {
        calls.set(k, (calls.get(k) ?? 0) + 1);
        return fn(...args);
      };
    }
    return wrapped as unknown as Backend;
  };
}
function unfused(base: () => Backend, name: string): () => Backend {
  return () => {
    const b: Record<string, unknown> = { ...base(), name };
    for (const k of FUSED_KERNEL_NAMES) delete b[k];
    return b as unknown as Backend;
  };
}

const BACKENDS: [string, () => Backend][] = [['cpu', createCpuBackend]];
if (nativeBackend && FUSED_KERNEL_NAMES.every((k) => hasKernel(k, nativeBackend!))) BACKENDS.push(['native', () => nativeBackend!]);
if (wasmBackend && FUSED_KERNEL_NAMES.every((k) => hasKernel(k, wasmBackend!))) BACKENDS.push(['wasm', () => wasmBackend!]);

beforeAll(() => {
  for (const [name, create] of BACKENDS) {
    registerBackend(`${name}-counting`, counting(create, `${name}-counting`));
    registerBackend(`${name}-unfused`, unfused(create, `${name}-unfused`));
  }
});
afterAll(() => {
  setBackend('cpu');
  for (const [name] of BACKENDS) {
    removeBackend(`${name}-counting`);
    removeBackend(`${name}-unfused`);
  }
});

const graphOf = (m: LayersModel): Graph => (m as unknown as { graph: Graph }).graph;

/** conv-BN-ReLU-pool twice, then dense-BN-ReLU-dropout and a softmax head (the CLI's cnn-bn, small). */
function cnnBn(prefix: string, options: { convBias?: boolean; frozen?: boolean; bn?: Record<string, unknown> } = {}): LayersModel {
  const conv = (filters: number, name: string) =>
    layers.conv2d({ filters, kernelSize: 3, padding: 'same', useBias: options.convBias ?? false, name: `${prefix}${name}` });
  return sequential({
    layers: [
      layers.inputLayer({ shape: [8, 8, 1], name: `${prefix}in` }),
      conv(4, 'c1'), layers.batchNormalization({ name: `${prefix}bn1`, trainable: !options.frozen, ...options.bn }), layers.activation({ activation: 'relu', name: `${prefix}r1` }),
      layers.maxPooling2d({ poolSize: 2, name: `${prefix}p1` }),
      conv(6, 'c2'), layers.batchNormalization({ name: `${prefix}bn2`, ...options.bn }), layers.activation({ activation: 'relu', name: `${prefix}r2` }),
      layers.maxPooling2d({ poolSize: 3, strides: 1, padding: 'same', name: `${prefix}p2` }),
      layers.flatten({ name: `${prefix}fl` }),
      layers.dense({ units: 8, useBias: false, name: `${prefix}d1` }), layers.batchNormalization({ name: `${prefix}bn3`, ...options.bn }), layers.activation({ activation: 'relu', name: `${prefix}r3` }),
      layers.dropout({ rate: 0.25, seed: 5, name: `${prefix}dr` }),
      layers.dense({ units: 3, activation: 'softmax', name: `${prefix}d2` }),
    ],
  });
}

function labels(n: number): Tensor {
  const y = new Float32Array(n * 3);
  for (let r = 0; r < n; r++) y[r * 3 + (r % 3)] = 1;
  return new Tensor(y, [n, 3]);
}

/** Trains a fresh model on one backend; returns the losses, the weights after training and a prediction. */
async function trainOn(backend: string, build: () => LayersModel) {
  setBackend(backend);
  const m = build();
  m.initializeWeights(17);
  m.compile({ optimizer: train.adam(0.01), loss: 'categoricalCrossentropy' });
  const losses: number[] = [];
  await m.fit(randn([12, 8, 8, 1], 3), labels(12), {
    epochs: 2, batchSize: 4, verbose: 0, seed: 9,
    callbacks: [{ onBatchEnd: (_b, logs) => void losses.push(logs.loss) }],
  });
  const prediction = m.predict(randn([5, 8, 8, 1], 4)) as Tensor;
  return { losses, weights: m.getWeights().map((w) => Float32Array.from(w.data)), prediction: Float32Array.from(prediction.data) };
}

function expectSameRun(backend: string, a: Awaited<ReturnType<typeof trainOn>>, b: Awaited<ReturnType<typeof trainOn>>): void {
  const tol = backend === 'cpu' ? SAME : SAME_RUN;
  expectClose(a.losses, b.losses, tol, 'losses');
  a.weights.forEach((w, i) => expectClose(w, b.weights[i], tol, `weight ${i}`));
  expectClose(a.prediction, b.prediction, tol, 'prediction');
}

describe('fusion plan', () => {
  it('finds BN-ReLU(-pool) chains and conv-BN-ReLU(-pool) chains', () => {
    const plan = fusionPlan(graphOf(cnnBn('a')));
    const training = [...plan.batchNorm.values()].map((c) => [c.bn.name, c.pool?.name ?? null]);
    expect(training).toEqual([['abn1', 'ap1'], ['abn2', 'ap2'], ['abn3', null]]);
    const inference = [...plan.conv.values()].map((c) => [c.conv.name, c.tensors.map((t) => t.sourceLayer.name)]);
    expect(inference).toEqual([['ac1', ['ac1', 'abn1', 'ar1', 'ap1']], ['ac2', ['ac2', 'abn2', 'ar2', 'ap2']]]);
  });

  it('leaves out a conv with a bias from the conv chain, and BN followed by another activation', () => {
    const plan = fusionPlan(graphOf(cnnBn('b', { convBias: true })));
    expect(plan.conv.size).toBe(0);
    expect(plan.batchNorm.size).toBe(3);
    const sig = sequential({ layers: [layers.dense({ units: 4, inputShape: [3] }), layers.batchNormalization(), layers.activation({ activation: 'sigmoid' })] });
    expect(fusionPlan(graphOf(sig)).batchNorm.size).toBe(0);
  });

  it('never covers a tensor that something else reads or that the model outputs', () => {
    const x = layers.input({ shape: [6, 6, 2] });
    const z = layers.conv2d({ filters: 3, kernelSize: 3, useBias: false }).apply(x);
    const bn = layers.batchNormalization().apply(z);
    const r = layers.activation({ activation: 'relu' }).apply(bn);
    const p = layers.maxPooling2d({}).apply(r);
    // The ReLU output feeds the pool and is also a model output: the chain stops before the pool.
    const plan = fusionPlan(graphOf(model({ inputs: x, outputs: [p, r] })));
    expect([...plan.batchNorm.values()].map((c) => c.tensors.length)).toEqual([2]);
    // The BN output is a model output: no chain at all.
    expect(fusionPlan(graphOf(model({ inputs: x, outputs: [bn, r] }))).batchNorm.size).toBe(0);
    // BN over axis 1 (not the last): no chain.
    const y = layers.input({ shape: [4, 5] });
    const b1 = layers.batchNormalization({ axis: 1 }).apply(layers.dense({ units: 5 }).apply(y));
    expect(fusionPlan(graphOf(model({ inputs: y, outputs: layers.activation({ activation: 'relu' }).apply(b1) }))).batchNorm.size).toBe(0);
  });
});

describe.each(BACKENDS.map(([name]) => name))('fused chains against the layers one by one on %s', (backend) => {
  it('train and predict the same, and the fused kernels run', async () => {
    calls.clear();
    const fused = await trainOn(`${backend}-counting`, () => cnnBn('t'));
    // 6 steps: 2 conv chains and the dense chain forward, 3 backward (the first conv's input needs no
    // gradient: its chain's backward is the filter-gradient kernel); 2 inference chains in one predict.
    expect(Object.fromEntries(calls)).toEqual({
      conv2dBatchNormReluTraining: 12, batchNormReluTraining: 6, batchNormReluBackward: 12, conv2dBatchNormReluBackwardFilter: 6, conv2dBatchNormRelu: 2,
    });
    const reference = await trainOn(`${backend}-unfused`, () => cnnBn('t'));
    expectSameRun(backend, fused, reference);
  });

  it('update the moving statistics the same', async () => {
    const stats = async (backend: string) => {
      setBackend(backend);
      const m = cnnBn('s');
      m.initializeWeights(3);
      m.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
      await m.trainOnBatch(randn([4, 8, 8, 1], 5), labels(4));
      return m.weights.filter((w) => w.name.startsWith('moving')).map((w) => Float32Array.from(w.value.data));
    };
    const a = await stats(`${backend}-counting`);
    const b = await stats(`${backend}-unfused`);
    expect(a).toHaveLength(6);
    a.forEach((w, i) => expectClose(w, b[i], SAME, `moving statistic ${i}`));
  });

  it('fold into cumulative and bias-corrected averages and record the batch statistics the same', async () => {
    const run = async (b: string, bn: Record<string, unknown>) => {
      setBackend(b);
      const m = cnnBn('r', { bn });
      m.initializeWeights(4);
      m.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
      const norms = m.layers.filter((l): l is BatchNormalization => l instanceof BatchNormalization);
      for (const l of norms) l.recordBatchStatistics = true;
      for (let i = 0; i < 3; i++) await m.trainOnBatch(randn([4, 8, 8, 1], 30 + i), labels(4));
      return norms.flatMap((l) => [l.lastBatchStatistics!.mean, l.lastBatchStatistics!.variance, Float32Array.from(l.movingMean.value.data), Float32Array.from(l.movingVariance.value.data)]);
    };
    for (const bn of [{ momentum: null }, { biasCorrection: true }]) {
      calls.clear();
      const a = await run(`${backend}-counting`, bn);
      expect(calls.get('batchNormReluBackward')).toBe(6);
      expect(calls.get('conv2dBatchNormReluBackwardFilter')).toBe(3);
      const b = await run(`${backend}-unfused`, bn);
      a.forEach((v, i) => expectClose(v, b[i], SAME, `${JSON.stringify(bn)} statistic ${i}`));
    }
  });

  it('run unfused around a frozen BatchNormalization (inference mode inside fit)', async () => {
    calls.clear();
    const fused = await trainOn(`${backend}-counting`, () => cnnBn('f', { frozen: true }));
    // bn1 is frozen: its conv chain runs unfused; conv 2's and the dense chain remain; predict still fuses both convs.
    expect(calls.get('conv2dBatchNormReluTraining')).toBe(6);
    expect(calls.get('batchNormReluTraining')).toBe(6);
    expect(calls.get('conv2dBatchNormRelu')).toBe(2);
    expect(calls.get('conv2dBatchNormReluBackwardFilter')).toBeUndefined();
    expectSameRun(backend, fused, await trainOn(`${backend}-unfused`, () => cnnBn('f', { frozen: true })));
  });

  it('give the same gradients (computeGradients)', () => {
    const grads = (backend: string) => {
      setBackend(backend);
      const m = cnnBn('g');
      m.initializeWeights(8);
      m.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
      return m.computeGradients(randn([6, 8, 8, 1], 6), labels(6)).grads.map((g) => Float32Array.from(g.data));
    };
    const a = grads(`${backend}-counting`);
    const b = grads(`${backend}-unfused`);
    a.forEach((g, i) => expectClose(g, b[i], SAME, `gradient ${i}`));
  });
});
