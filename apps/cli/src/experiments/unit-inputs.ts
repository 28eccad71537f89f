import type { Tensor } from '@batchwise/core';
import type { LayersModel } from '@batchwise/layers';
import { quantile, sortedAscending } from '@batchwise/stats';

/*
 * The probe of Ioffe & Szegedy's figure 1(b, c): the input to every sigmoid
 * of the last hidden layer, over a fixed set of test images. Layers run in
 * inference mode, except that the last BN normalizes with the probe's own
 * batch statistics, as in training: the moving averages lag the weights by
 * ~1/(1 - momentum) = 100 steps, and that lag would show up as shift. (So
 * over the probe the BN output has mean exactly beta and standard deviation
 * about gamma: with BN, this measure mostly follows gamma and beta.)
 */

export const PERCENTILES = [15, 50, 85] as const;

/** One column per unit: its input for every probe image. */
export function unitInputs(model: LayersModel, probe: Tensor): Float64Array[] {
  const layers = model.layers;
  const lastSigmoid = layers.map((l) => l.className).lastIndexOf('Activation');
  const bn = layers[lastSigmoid - 1]?.className === 'BatchNormalization' ? layers[lastSigmoid - 1] : null;
  let t = probe;
  for (const layer of layers.slice(0, bn ? lastSigmoid - 1 : lastSigmoid)) t = layer.apply(t, { training: false });
  const width = t.shape[1];
  const x = t;
  return Array.from({ length: width }, (_, unit) => {
    const column = Float64Array.from({ length: x.shape[0] }, (_, r) => x.data[r * width + unit]);
    if (!bn) return column;
    // Two-pass biased variance, as Keras' batch statistics (STYLE.md section 5).
    const mean = column.reduce((a, v) => a + v, 0) / column.length;
    const variance = column.reduce((a, v) => a + (v - mean) ** 2, 0) / column.length;
    const weight = (name: string, fallback: number) => bn.weights.find((w) => w.name === name)?.value.data[unit] ?? fallback;
    const gamma = weight('gamma', 1);
    const beta = weight('beta', 0);
    const epsilon = (bn as unknown as { epsilon: number }).epsilon;
    return column.map((v) => gamma * ((v - mean) / Math.sqrt(variance + epsilon)) + beta);
  });
}

/** The 15th, 50th and 85th percentiles of one unit's inputs. */
export function percentilesOf(column: Float64Array): number[] {
  const sorted = sortedAscending(column);
  return PERCENTILES.map((p) => quantile(sorted, p / 100));
}

/**
 * Net shift of each percentile from the first training evaluation to the
 * last, in units of the distribution's mean 15-85 width over that time, so
 * a unit whose inputs are simply larger is not counted as shifting more.
 * Step 0 is left out: a random network is not a distribution the layer above
 * ever trains on.
 */
export function relativeShifts(track: readonly (readonly number[])[]): number[] {
  const from = track.slice(Math.min(1, track.length - 1));
  const width = from.reduce((a, p) => a + (p[2] - p[0]), 0) / from.length;
  const first = from[0];
  const last = from[from.length - 1];
  return PERCENTILES.map((_, i) => Math.abs(last[i] - first[i]) / width);
}
