import type { Conv2D, Dense } from '@batchwise/layers';
import type { GraphBuilder } from '../graph/builder.js';
import type { LayerCall } from './call.js';

/**
 * The kernel and bias initializers of a Conv2D or Dense, in the given ONNX
 * layout. With a folded BatchNormalization (call.fold) every output channel
 * c of the kernel is scaled by scale[c] and the bias becomes
 * bias * scale + shift, computed in float64 and stored as float32.
 *
 * `data` is the kernel already in ONNX order; `channelOf(i)` gives the output
 * channel of element i. Unfolded weights are cached per layer, so a layer
 * applied twice shares its initializers.
 */
export function foldedWeights(
  g: GraphBuilder,
  call: LayerCall<Conv2D | Dense>,
  dims: readonly number[],
  data: Float32Array,
  channelOf: (i: number) => number,
): { kernel: string; bias: string | null } {
  const { layer, fold, name } = call;
  const bias = layer.bias?.value.data ?? null;
  if (!fold) {
    const kernel = g.cachedConstant(layer.kernel, 'onnx', () => ({ hint: `${layer.name}/kernel`, dims, data }));
    const b = bias ? g.cachedConstant(layer.bias, 'onnx', () => ({ hint: `${layer.name}/bias`, dims: [bias.length], data: bias })) : null;
    return { kernel, bias: b };
  }
  const kernel = Float32Array.from(data, (v, i) => v * fold.scale[channelOf(i)]);
  const folded = Float32Array.from(fold.scale, (s, c) => (bias ? bias[c] : 0) * s + fold.shift[c]);
  return {
    kernel: g.constant(`${name}/kernel_folded`, dims, kernel),
    bias: g.constant(`${name}/bias_folded`, [folded.length], folded),
  };
}
