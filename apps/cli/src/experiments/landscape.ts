import { Tensor } from '@batchwise/core';
import type { LayerVariable, LayersModel } from '@batchwise/layers';

/*
 * Santurkar, Tsipras, Ilyas & Madry 2018, "How Does Batch Normalization Help
 * Optimization?", measured on one training batch at one point of training:
 *
 * - Internal covariate shift as the change of a layer's gradient caused by
 *   updating the layers before it (their definition 2.1): G = dL/dW_i at the
 *   current weights; G' = dL/dW_i after the SGD update (on the same batch) of
 *   every layer before i only. Reported as ||G - G'||_2, relative to ||G||,
 *   and as cos(G, G'). Zero shift would be G' = G (cosine 1).
 * - Smoothness of the loss landscape along the gradient (their section 3.1,
 *   figure 4): move the weights to W - eta g for step sizes eta and record
 *   the range of the loss (loss variation), the largest change of the
 *   gradient ||g - g_eta|| (gradient predictiveness), and that change over
 *   the distance moved, ||g - g_eta|| / (eta ||g||) (effective beta-smoothness).
 *   The step sizes here are LANDSCAPE_STEPS times the learning rate.
 *
 * Gradients come from model.computeGradients (training mode, so BN uses the
 * batch statistics, as in a training step). Every weight, moving statistics
 * included, is restored afterwards: the probe never changes the training.
 */

/** Step sizes along the gradient, as multiples of the learning rate. */
export const LANDSCAPE_STEPS = [0.5, 1, 2, 4] as const;

export interface LayerShift {
  /** Position of the dense layer among the dense layers (1 = first). */
  layer: number;
  l2: number;
  relative: number;
  cosine: number;
}

export interface OptimizationProbe {
  loss: number;
  gradientNorm: number;
  shift: LayerShift[];
  /** Loss at W - eta g for eta = 0 and each LANDSCAPE_STEPS multiple. */
  lossAlong: number[];
  lossVariation: number;
  gradientChange: number;
  betaSmoothness: number;
}

type Vectors = Float32Array[];

function gradients(model: LayersModel, x: Tensor, y: Tensor): { loss: number; grads: Vectors } {
  const r = model.computeGradients(x, y);
  return { loss: r.loss, grads: r.grads.map((g) => Float32Array.from(g.data)) };
}

function norm(v: Vectors): number {
  let s = 0;
  for (const a of v) for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

function distance(a: Vectors, b: Vectors): number {
  let s = 0;
  a.forEach((x, k) => {
    for (let i = 0; i < x.length; i++) s += (x[i] - b[k][i]) ** 2;
  });
  return Math.sqrt(s);
}

function cosine(a: Float32Array, b: Float32Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / Math.sqrt(aa * bb);
}

/** Sets w = w0 - eta * g for the weights selected by `moved`. */
function step(weights: LayerVariable[], start: Vectors, grads: Vectors, eta: number, moved: (k: number) => boolean): void {
  weights.forEach((w, k) => {
    if (!moved(k)) return;
    const v = Float32Array.from(start[k], (x, i) => x - eta * grads[k][i]);
    w.assign(new Tensor(v, [...w.shape]), 'landscape probe');
  });
}

/**
 * Measures at the model's current weights on the batch (x, y), for a model
 * trained by SGD with learning rate `lr`. Needs at least two Dense layers.
 */
export function probeOptimization(model: LayersModel, x: Tensor, y: Tensor, lr: number): OptimizationProbe {
  const saved = model.getWeights();
  const weights = model.trainableWeights;
  const start = weights.map((w) => Float32Array.from(w.value.data));
  const layerIndex = (w: LayerVariable) => model.layers.indexOf(w.layer);
  const restore = () => model.setWeights(saved);
  try {
    const base = gradients(model, x, y);
    restore();
    const g = base.grads;
    const denseKernels = weights.map((w, k) => ({ w, k })).filter(({ w }) => w.layer.className === 'Dense' && w.name === 'kernel');
    const shift = denseKernels.slice(1).map(({ w, k }, i) => {
      const before = layerIndex(w);
      step(weights, start, g, lr, (j) => layerIndex(weights[j]) < before);
      const after = gradients(model, x, y).grads[k];
      restore();
      const l2 = distance([g[k]], [after]);
      return { layer: i + 2, l2, relative: l2 / norm([g[k]]), cosine: cosine(g[k], after) };
    });
    const gradientNorm = norm(g);
    const lossAlong = [base.loss];
    let gradientChange = 0;
    let betaSmoothness = 0;
    for (const multiple of LANDSCAPE_STEPS) {
      const eta = multiple * lr;
      step(weights, start, g, eta, () => true);
      const moved = gradients(model, x, y);
      restore();
      lossAlong.push(moved.loss);
      const change = distance(g, moved.grads);
      gradientChange = Math.max(gradientChange, change);
      betaSmoothness = Math.max(betaSmoothness, change / (eta * gradientNorm));
    }
    const finite = lossAlong.every(Number.isFinite);
    return {
      loss: base.loss, gradientNorm, shift, lossAlong,
      lossVariation: finite ? Math.max(...lossAlong) - Math.min(...lossAlong) : Number.POSITIVE_INFINITY,
      gradientChange, betaSmoothness,
    };
  } finally {
    restore();
  }
}
