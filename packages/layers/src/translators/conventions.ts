/*
 * How PyTorch and ONNX store what batchwise (Keras/TF.js) stores, for the
 * batch-norm state in particular:
 *
 * | | batchwise (Keras 3, TF.js) | PyTorch | ONNX |
 * |---|---|---|---|
 * | layout | NHWC, HWIO, Dense [in, out] | NCHW, OIHW, Linear [out, in] | NCHW, OIHW, Gemm [out, in] (transB = 1) |
 * | momentum m | weight of the old value | weight of the NEW value (ours = 1 - m), None = cumulative | weight of the old value |
 * | default momentum | 0.99 | 0.1 (ours 0.9) | 0.9 |
 * | running variance | biased (/ N) | unbiased (/ (N - 1)) | biased |
 * | default epsilon | 1e-3 | 1e-5 | 1e-5 |
 * | update count | movingUpdates (config) | num_batches_tracked | none |
 *
 * Unbiased <-> biased: PyTorch's running_var averages N/(N-1) times the
 * biased batch variances, N the values per feature of a training batch
 * (batch size, times H*W after a convolution). So biased = unbiased *
 * (N - 1) / N, which needs N: the batch size PyTorch trained with. PyTorch
 * itself normalizes with running_var at inference, so to predict exactly as
 * PyTorch did the variance must be taken as it is ('as-is', the default);
 * 'biased' converts it for training on in the Keras convention.
 */

export type Convention = 'pytorch' | 'onnx';
export const CONVENTION_NAMES: readonly Convention[] = ['pytorch', 'onnx'];

export interface ConventionInfo {
  /** True when the framework's momentum weighs the new batch value (PyTorch). */
  momentumWeighsNew: boolean;
  defaultMomentum: number;
  runningVariance: 'unbiased' | 'biased';
  defaultEpsilon: number;
}

export const CONVENTIONS: Record<Convention, ConventionInfo> = {
  pytorch: { momentumWeighsNew: true, defaultMomentum: 0.1, runningVariance: 'unbiased', defaultEpsilon: 1e-5 },
  onnx: { momentumWeighsNew: false, defaultMomentum: 0.9, runningVariance: 'biased', defaultEpsilon: 1e-5 },
};

/** A framework's momentum in ours (weight of the old value; null = cumulative stays null). */
export function momentumToOurs(convention: Convention, m: number | null): number | null {
  return m === null || !CONVENTIONS[convention].momentumWeighsNew ? m : 1 - m;
}

export function momentumFromOurs(convention: Convention, m: number | null): number | null {
  return momentumToOurs(convention, m);
}

/** The factor that turns the framework's running variance into a biased one, given N values per feature per batch. */
export function varianceToBiasedFactor(convention: Convention, n: number): number {
  return CONVENTIONS[convention].runningVariance === 'unbiased' ? (n - 1) / n : 1;
}
