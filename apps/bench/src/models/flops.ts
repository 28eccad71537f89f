import type { ModelSpec } from './specs.js';

/*
 * Floating-point operations per image of a model, counted from its spec.
 * Only the multiply-adds of convolutions and dense layers count (2 FLOPs
 * each): they are what runs on the FMA units, so "share of the FMA peak" is
 * their rate over the measured peak. Batch norm, activations, pooling, the
 * loss and the optimizer are element-wise and memory-bound; they are left
 * out (a few percent of the total here), which makes the share a lower bound.
 *
 * A 'same' convolution counts every output position with the full window
 * (the padded zeros included), as every GEMM-based implementation computes.
 * Backward: the weight gradient costs what the forward did, and so does the
 * input gradient, except for the first layer, whose input needs none.
 */

export interface LayerFlops {
  layer: number;
  type: 'conv2d' | 'dense';
  forward: number;
  backward: number;
}

export interface ModelFlops {
  /** Per image. */
  forward: number;
  backward: number;
  /** forward + backward: one image of a training step. */
  train: number;
  layers: LayerFlops[];
}

export function modelFlops(spec: ModelSpec): ModelFlops {
  let shape = [...spec.inputShape];
  const layers: LayerFlops[] = [];
  spec.layers.forEach((l, i) => {
    const first = layers.length === 0;
    switch (l.type) {
      case 'conv2d': {
        const [h, w, cin] = shape;
        const f = 2 * h * w * l.filters * l.kernelSize * l.kernelSize * cin;
        layers.push({ layer: i, type: 'conv2d', forward: f, backward: first ? f : 2 * f });
        shape = [h, w, l.filters];
        break;
      }
      case 'dense': {
        const f = 2 * shape[0] * l.units;
        layers.push({ layer: i, type: 'dense', forward: f, backward: first ? f : 2 * f });
        shape = [l.units];
        break;
      }
      case 'maxPooling2d':
        shape = [Math.floor(shape[0] / l.poolSize), Math.floor(shape[1] / l.poolSize), shape[2]];
        break;
      case 'flatten':
        shape = [shape.reduce((a, b) => a * b, 1)];
        break;
      default:
        break; // element-wise: shape unchanged, not counted
    }
  });
  const forward = layers.reduce((s, l) => s + l.forward, 0);
  const backward = layers.reduce((s, l) => s + l.backward, 0);
  return { forward, backward, train: forward + backward, layers };
}

/** FLOPs per image of one model case: forward for a prediction, forward and backward for a training step. */
export function caseFlops(spec: ModelSpec, mode: 'train' | 'predict'): number {
  const f = modelFlops(spec);
  return mode === 'train' ? f.train : f.forward;
}
