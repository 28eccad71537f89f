import { encodeModel, type OnnxGraph } from '@batchwise/onnx-codec';
import * as ort from 'onnxruntime-node';
import { ACT_SHAPE, CONV_FILTER_SHAPE, CONV_X_SHAPE, CONV_Y_SHAPE, hwioToOihw, nhwcToNchw } from '../kernels/cases.js';
import { kernelInputs } from '../kernels/inputs.js';
import { onnxGraph } from '../onnx/graphs.js';
import type { Contender, ContenderStatus, KernelCase, KernelId, Preparation } from '../types.js';
import { firstLine } from '../errors.js';

/*
 * onnxruntime-node (CPU execution provider) on single-operator models built
 * by ../onnx. One session per kernel and thread count. Spinning of idle pool
 * threads is switched off: with contenders interleaved, a spinning ORT thread
 * would steal the core from whoever runs next (and the kernels here run for
 * milliseconds, where spinning buys ORT nothing measurable).
 */

/** Input data by graph input name, converted to the layout the graph declares. */
function feedData(id: KernelId): Record<string, Float32Array> {
  const d = kernelInputs();
  const params = { gamma: d.gamma, beta: d.beta, mean: d.mean, var: d.variance };
  switch (id) {
    case 'matMul':
      return { a: d.a, b: d.b };
    case 'conv2d':
      return { x: nhwcToNchw(d.convX, CONV_X_SHAPE), w: hwioToOihw(d.convFilter, CONV_FILTER_SHAPE) };
    case 'conv2dBackpropInput':
      return { dy: nhwcToNchw(d.convDy, CONV_Y_SHAPE), w: hwioToOihw(d.convFilter, CONV_FILTER_SHAPE) };
    case 'batchNormTraining':
    case 'batchNormInference':
      return { x: nhwcToNchw(d.act, ACT_SHAPE), ...params };
    case 'batchNormTrainingBackward':
      return { x: d.act, dy: d.actDy, gamma: d.gamma, beta: d.beta };
    case 'maxPool':
    case 'maxPoolInference':
      return { x: nhwcToNchw(d.act, ACT_SHAPE) };
    default:
      return {};
  }
}

/** Creates a session for a graph (or encoded model bytes) with `threads` intra-op threads. */
export async function createSession(model: OnnxGraph | Uint8Array, threads: number): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(model instanceof Uint8Array ? model : encodeModel(model), {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  });
}

export function onnxVersion(): string {
  return ort.env.versions.common;
}

export function onnxContender(threads: number): Contender {
  const status: ContenderStatus = { available: true, detail: `onnxruntime-node ${onnxVersion()}, CPU EP, ${threads} intra-op thread(s)` };
  return {
    id: `ort-${threads}t`,
    label: `ort ${threads}t`,
    threads,
    ours: false,
    maxRuns: Number.POSITIVE_INFINITY,
    status,
    async prepare(kernel: KernelCase): Promise<Preparation> {
      const graph = onnxGraph(kernel.id);
      if ('unavailable' in graph) return graph;
      try {
        const session = await createSession(graph, threads);
        const data = feedData(kernel.id);
        const feeds: Record<string, ort.Tensor> = {};
        // Every kernel graph declares fixed numeric shapes (no symbolic batch).
        for (const input of graph.inputs) feeds[input.name] = new ort.Tensor('float32', data[input.name], (input.shape ?? []) as readonly number[]);
        const note = graph.nodes.length > 1 ? `composed of ${graph.nodes.length} basic operators` : undefined;
        return { run: () => session.run(feeds), dispose: () => void session.release(), ...(note ? { note } : {}) };
      } catch (e) {
        return { unavailable: `onnxruntime: ${firstLine(e)}` };
      }
    },
  };
}
