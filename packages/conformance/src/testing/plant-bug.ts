import { poolGeometry, Tensor, type Backend, type BatchNormTrainingResult, type MaxPoolOptions } from '@batchwise/core';

/*
 * Realistic kernel bugs, planted into a working backend, to prove the suite
 * catches them (STYLE.md section 7). Each wrapper replaces one kernel and
 * forwards everything else.
 */

export const PLANTED_BUGS = {
  'dgamma-sign': { kernel: 'batchNormBackward', description: 'dgamma with a flipped sign' },
  'conv-padding-off-by-one': { kernel: 'conv2d', description: "'same' padding one row too many at the top" },
  'one-pass-variance': { kernel: 'batchNormTraining', description: 'variance as E[x^2] - E[x]^2 with float32 accumulators' },
  'unbiased-variance': { kernel: 'batchNormTraining', description: 'batch variance divided by N - 1 (PyTorch running-variance style)' },
  'maxpool-negative-init': { kernel: 'maxPool', description: 'max starts from the lowest float32 instead of the first element' },
  'maxpool-zero-init': { kernel: 'maxPool', description: 'max starts from 0' },
  'softmax-no-max-shift': { kernel: 'softmax', description: 'exp without subtracting the row maximum' },
  'nesterov-ignored': { kernel: 'sgdUpdate', description: 'nesterov treated as plain momentum' },
  'adam-no-bias-correction': { kernel: 'adamUpdate', description: 'Adam without the bias correction' },
  'dropout-not-inverted': { kernel: 'dropout', description: 'kept units not scaled by 1 / (1 - rate)' },
  'relu-mutates-input': { kernel: 'relu', description: 'relu writes its result into x' },
  'argmax-last-on-ties': { kernel: 'argMax', description: 'argMax keeps the last index on ties' },
  'filter-grad-flipped': { kernel: 'conv2dBackpropFilter', description: 'filter gradient flipped in both spatial axes' },
  'cross-entropy-ignores-label-sum': { kernel: 'softmaxCrossEntropy', description: 'dlogits = softmax - labels, right only when labels sum to 1' },
  'broadcast-last-axis-only': { kernel: 'broadcastBinary', description: 'the vector always runs along the last axis, whatever axis says' },
  'axpby-float32-steps': { kernel: 'axpby', description: 'alpha*x and beta*y each rounded to float32 before the sum' },
  'gather-row-off-by-one': { kernel: 'gather', description: 'gathers the row after each index (wrapping at the end)' },
  'bn-relu-pool-before-norm': { kernel: 'batchNormReluTraining', description: 'argmax taken on x before batch norm (wrong when gamma < 0)' },
  'bn-relu-backward-unmasked': { kernel: 'batchNormReluBackward', description: 'dy routed through argmax even where the ReLU output is 0' },
  'conv-bn-relu-relu-first': { kernel: 'conv2dBatchNormRelu', description: 'ReLU applied to the conv output before batch norm' },
  'conv-bn-relu-training-unbiased': { kernel: 'conv2dBatchNormReluTraining', description: 'batch variance of the conv output divided by N - 1' },
} as const;

export type PlantedBug = keyof typeof PLANTED_BUGS;

const FLOAT32_LOWEST = -3.4028234663852886e38;

function lastAxis(shape: readonly number[]) {
  const channels = shape[shape.length - 1];
  return { rows: shape.reduce((a, b) => a * b, 1) / channels, channels };
}

/** Batch-norm training with a chosen (wrong) variance. */
function batchNormWith(x: Tensor, gamma: Tensor, beta: Tensor, epsilon: number, kind: 'one-pass-f32' | 'unbiased'): BatchNormTrainingResult {
  const { rows, channels } = lastAxis(x.shape);
  const mean = new Float32Array(channels);
  const variance = new Float32Array(channels);
  const invStd = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    let s = 0;
    let q = 0;
    for (let r = 0; r < rows; r++) {
      const v = x.data[r * channels + c];
      s = kind === 'one-pass-f32' ? Math.fround(s + v) : s + v;
      q = kind === 'one-pass-f32' ? Math.fround(q + Math.fround(v * v)) : q;
    }
    const m = s / rows;
    let vr: number;
    if (kind === 'one-pass-f32') vr = Math.fround(Math.fround(q / rows) - Math.fround(m * m));
    else {
      let d = 0;
      for (let r = 0; r < rows; r++) d += (x.data[r * channels + c] - m) ** 2;
      vr = d / Math.max(rows - 1, 1);
    }
    mean[c] = m;
    variance[c] = vr;
    invStd[c] = 1 / Math.sqrt(vr + epsilon);
  }
  const y = new Float32Array(x.size);
  for (let i = 0; i < x.size; i++) {
    const c = i % channels;
    y[i] = gamma.data[c] * (x.data[i] - mean[c]) * invStd[c] + beta.data[c];
  }
  const t = (d: Float32Array) => new Tensor(d, [channels]);
  return { y: new Tensor(y, x.shape), mean: t(mean), variance: t(variance), invStd: t(invStd) };
}

function maxPoolFrom(x: Tensor, o: MaxPoolOptions, init: number) {
  const g = poolGeometry(x.shape, o);
  const y = new Float32Array(g.batch * g.outHeight * g.outWidth * g.inChannels);
  const argmax = new Int32Array(y.length);
  let out = 0;
  for (let b = 0; b < g.batch; b++) {
    for (let oy = 0; oy < g.outHeight; oy++) {
      for (let ox = 0; ox < g.outWidth; ox++) {
        for (let c = 0; c < g.inChannels; c++, out++) {
          let best = init;
          let at = 0;
          for (let ky = 0; ky < g.kernelHeight; ky++) {
            const iy = oy * g.strideHeight - g.padTop + ky;
            for (let kx = 0; kx < g.kernelWidth; kx++) {
              const ix = ox * g.strideWidth - g.padLeft + kx;
              if (iy < 0 || iy >= g.inHeight || ix < 0 || ix >= g.inWidth) continue;
              const i = ((b * g.inHeight + iy) * g.inWidth + ix) * g.inChannels + c;
              if (x.data[i] > best) [best, at] = [x.data[i], i];
            }
          }
          y[out] = best;
          argmax[out] = at;
        }
      }
    }
  }
  return { y: new Tensor(y, [g.batch, g.outHeight, g.outWidth, g.inChannels]), argmax };
}

function bugged(inner: Backend, bug: PlantedBug): Partial<Backend> {
  switch (bug) {
    case 'dgamma-sign':
      return { batchNormBackward: (dy, p) => {
        const g = inner.batchNormBackward(dy, p);
        return { ...g, dgamma: new Tensor(g.dgamma.data.map((v) => -v), g.dgamma.shape) };
      } };
    case 'conv-padding-off-by-one':
      return { conv2d: (x, f, o) => {
        if (o.padding !== 'same') return inner.conv2d(x, f, o);
        // Reading x[h - 1] at row h is what a top padding one too large does.
        const [, , w, c] = x.shape;
        const rowSize = w * c;
        const shifted = new Float32Array(x.size);
        for (let i = 0; i < x.size; i++) {
          const row = Math.floor(i / rowSize) % x.shape[1];
          shifted[i] = row === 0 ? 0 : x.data[i - rowSize];
        }
        return inner.conv2d(new Tensor(shifted, x.shape), f, o);
      } };
    case 'one-pass-variance':
      return { batchNormTraining: (x, gamma, beta, o) => batchNormWith(x, gamma, beta, o.epsilon, 'one-pass-f32') };
    case 'unbiased-variance':
      return { batchNormTraining: (x, gamma, beta, o) => batchNormWith(x, gamma, beta, o.epsilon, 'unbiased') };
    case 'maxpool-negative-init':
      return { maxPool: (x, o) => maxPoolFrom(x, o, FLOAT32_LOWEST) };
    case 'maxpool-zero-init':
      return { maxPool: (x, o) => maxPoolFrom(x, o, 0) };
    case 'softmax-no-max-shift':
      return { softmax: (x) => {
        const { rows, channels } = lastAxis(x.shape);
        const y = new Float32Array(x.size);
        for (let r = 0; r < rows; r++) {
          let s = 0;
          for (let c = 0; c < channels; c++) s += Math.exp(x.data[r * channels + c]);
          for (let c = 0; c < channels; c++) y[r * channels + c] = Math.exp(x.data[r * channels + c]) / s;
        }
        return new Tensor(y, x.shape);
      } };
    case 'nesterov-ignored':
      return { sgdUpdate: (p, g, v, o) => inner.sgdUpdate(p, g, v, { ...o, nesterov: false }) };
    case 'adam-no-bias-correction':
      return { adamUpdate: (p, g, m, v, o) => {
        for (let i = 0; i < p.size; i++) {
          m.data[i] = o.beta1 * m.data[i] + (1 - o.beta1) * g.data[i];
          v.data[i] = o.beta2 * v.data[i] + (1 - o.beta2) * g.data[i] * g.data[i];
          p.data[i] -= (o.learningRate * m.data[i]) / (Math.sqrt(v.data[i]) + o.epsilon);
        }
      } };
    case 'dropout-not-inverted':
      return { dropout: (x, o) => {
        const r = inner.dropout(x, o);
        const mask = new Tensor(r.mask.data.map((m) => (m !== 0 ? 1 : 0)), x.shape);
        return { y: new Tensor(x.data.map((v, i) => v * mask.data[i]), x.shape), mask };
      } };
    case 'relu-mutates-input':
      return { relu: (x) => {
        const y = inner.relu(x);
        x.data.set(y.data);
        return y;
      } };
    case 'argmax-last-on-ties':
      return { argMax: (x) => {
        const { rows, channels } = lastAxis(x.shape);
        const out = new Float32Array(rows);
        for (let r = 0; r < rows; r++) {
          let best = 0;
          for (let c = 1; c < channels; c++) if (x.data[r * channels + c] >= x.data[r * channels + best]) best = c;
          out[r] = best;
        }
        return new Tensor(out, x.shape.slice(0, -1));
      } };
    case 'filter-grad-flipped':
      return { conv2dBackpropFilter: (x, dy, shape, o) => {
        const g = inner.conv2dBackpropFilter(x, dy, shape, o);
        const [kh, kw, ci, co] = shape;
        const inner2 = ci * co;
        const out = new Float32Array(g.size);
        for (let i = 0; i < g.size; i++) {
          const tap = Math.floor(i / inner2);
          const [y, x2] = [Math.floor(tap / kw), tap % kw];
          out[((kh - 1 - y) * kw + (kw - 1 - x2)) * inner2 + (i % inner2)] = g.data[i];
        }
        return new Tensor(out, shape);
      } };
    case 'cross-entropy-ignores-label-sum':
      return { softmaxCrossEntropy: (logits, labels) => {
        const r = inner.softmaxCrossEntropy(logits, labels);
        return { loss: r.loss, dlogits: inner.sub(inner.softmax(logits), labels) };
      } };
    case 'broadcast-last-axis-only':
      return { broadcastBinary: (x, v, o) => {
        const c = x.shape[x.rank - 1];
        const tiled = new Tensor(Float32Array.from({ length: x.size }, (_, i) => v.data[(i % c) % v.size]), x.shape);
        return inner[o.op](x, tiled);
      } };
    case 'axpby-float32-steps':
      return { axpby: (y, x, o) => {
        for (let i = 0; i < y.size; i++) y.data[i] = Math.fround(o.alpha * x.data[i]) + Math.fround(o.beta * y.data[i]);
      } };
    case 'bn-relu-pool-before-norm':
      return { batchNormReluTraining: (x, gamma, beta, o) => {
        const r = inner.batchNormReluTraining!(x, gamma, beta, o);
        if (!o.pool) return r;
        // Winners chosen on x, values read from the ReLU output at those positions.
        const relu = inner.relu(inner.batchNormTraining(x, gamma, beta, o).y);
        const argmax = inner.maxPool(x, o.pool).argmax;
        return { ...r, argmax, y: new Tensor(Float32Array.from(argmax, (j) => relu.data[j]), r.y.shape) };
      } };
    case 'bn-relu-backward-unmasked':
      return { batchNormReluBackward: (dy, p) => inner.batchNormReluBackward!(dy, { ...p, y: new Tensor(p.y.data.map(() => 1), p.y.shape) }) };
    case 'conv-bn-relu-relu-first':
      return { conv2dBatchNormRelu: (x, f, p, o) => {
        const z = inner.relu(inner.conv2d(x, f, o));
        const r = inner.relu(inner.batchNormInference(z, p));
        return o.pool ? inner.maxPool(r, o.pool).y : r;
      } };
    case 'conv-bn-relu-training-unbiased':
      return { conv2dBatchNormReluTraining: (x, f, gamma, beta, o) => {
        const z = inner.conv2d(x, f, o);
        const bn = batchNormWith(z, gamma, beta, o.epsilon, 'unbiased');
        const r = inner.relu(bn.y);
        const pooled = o.pool ? inner.maxPool(r, o.pool) : { y: r };
        return { ...bn, z, ...pooled };
      } };
    case 'gather-row-off-by-one':
      return { gather: (x, indices, o) => {
        const n = x.shape[o.axis < 0 ? x.rank + o.axis : o.axis];
        return inner.gather(x, indices.map((i) => (i + 1) % n), o);
      } };
  }
}

/** Wraps `backend` with one planted bug; the name gets a `+<bug>` suffix. */
export function plantBug(backend: Backend, bug: PlantedBug): Backend {
  const overrides = bugged(backend, bug);
  const wrapped = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(backend) as Array<keyof Backend>) {
    const v = backend[key];
    wrapped[key] = typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(backend) : v;
  }
  // Class-based backends keep kernels on the prototype: walk it too.
  for (let proto = Object.getPrototypeOf(backend); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      const v = (backend as unknown as Record<string, unknown>)[key];
      if (key !== 'constructor' && !(key in wrapped) && typeof v === 'function') wrapped[key] = (v as (...a: unknown[]) => unknown).bind(backend);
    }
  }
  return { ...(wrapped as unknown as Backend), ...overrides, name: `${backend.name}+${bug}` };
}
