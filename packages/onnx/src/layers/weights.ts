import type { Conv2D, Dense } from '@batchwise/layers';
import type { GraphBuilder } from '../graph/builder.js';

/**
 * The kernel and bias initializers of a Conv2D or Dense, the kernel in the
 * given ONNX layout (`data`, already in ONNX order). Cached per layer, so a
 * layer applied twice shares its initializers. Batch norms are folded into
 * these layers before export, by @batchwise/layers' foldBatchNorm.
 */
export function layerWeights(g: GraphBuilder, layer: Conv2D | Dense, dims: readonly number[], data: Float32Array): { kernel: string; bias: string | null } {
  const bias = layer.bias?.value.data ?? null;
  const kernel = g.cachedConstant(layer.kernel, 'onnx', () => ({ hint: `${layer.name}/kernel`, dims, data }));
  const b = bias ? g.cachedConstant(layer.bias, 'onnx', () => ({ hint: `${layer.name}/bias`, dims: [bias.length], data: bias })) : null;
  return { kernel, bias: b };
}
