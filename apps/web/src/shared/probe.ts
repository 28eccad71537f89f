import { Tensor } from '@batchwise/core';
import type { LayersModel } from '@batchwise/layers';

/*
 * The input of one hidden unit (before its ReLU) over a fixed set of probe
 * images, summarized by its 15th, 50th and 85th percentiles, as the paper's
 * figure 1(b,c) and `batchwise experiment covariate-shift` show it. Layers
 * run in inference mode, except that the last BN normalizes with the probe's
 * own batch statistics, as in training: the moving averages lag the weights
 * by about 1/(1 - momentum) = 100 steps, and that lag would show as shift.
 * The probe only reads the model.
 */

export const PERCENTILES = [15, 50, 85] as const;

/** The unit's input for every probe image. */
export function unitInput(model: LayersModel, probe: Tensor, unit: number): Float64Array {
  const all = model.layers;
  const lastActivation = all.map((l) => l.className).lastIndexOf('Activation');
  const bn = all[lastActivation - 1]?.className === 'BatchNormalization' ? all[lastActivation - 1] : null;
  let t = probe;
  for (const layer of all.slice(0, bn ? lastActivation - 1 : lastActivation)) t = layer.apply(t, { training: false }) as Tensor;
  const width = t.shape[1];
  const column = Float64Array.from({ length: t.shape[0] }, (_, r) => t.data[r * width + unit]);
  if (!bn) return column;
  // Two-pass biased variance, as Keras' batch statistics.
  const mean = column.reduce((a, v) => a + v, 0) / column.length;
  const variance = column.reduce((a, v) => a + (v - mean) ** 2, 0) / column.length;
  const weight = (name: string, fallback: number) => bn.weights.find((w) => w.name === name)?.value.data[unit] ?? fallback;
  const epsilon = (bn as unknown as { epsilon: number }).epsilon;
  return column.map((v) => weight('gamma', 1) * ((v - mean) / Math.sqrt(variance + epsilon)) + weight('beta', 0));
}

/** Percentiles by linear interpolation between order statistics (numpy's default). */
export function percentiles(values: Float64Array, qs: readonly number[] = PERCENTILES): number[] {
  const sorted = Float64Array.from(values).sort();
  return qs.map((q) => {
    const at = (q / 100) * (sorted.length - 1);
    const lo = Math.floor(at);
    const hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
  });
}
