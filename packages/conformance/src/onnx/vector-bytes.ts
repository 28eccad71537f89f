import { decodeModel, decodeTensor, type OnnxTensor } from '@batchwise/onnx-codec';
import type { LoadedVector } from './handlers.js';

/*
 * One ONNX node-test vector as bytes: its model.onnx and the input_N.pb /
 * output_N.pb files of test_data_set_0, in numeric order. Read from a folder
 * on Node (files-node.ts), or handed over by a program without a file system
 * (a web page fetches them and passes `onnxVectors`).
 */

/** Environment variable naming the ONNX node-test folder explicitly. */
export const ONNX_TESTS_ENV = 'BATCHWISE_ONNX_TESTS';

export interface VectorBytes {
  model: Uint8Array;
  inputs: Uint8Array[];
  outputs: Uint8Array[];
}

/** Decodes a vector: inputs matched by tensor name, or in order over the graph inputs that are not initializers. */
export function decodeVector(bytes: VectorBytes): LoadedVector {
  const model = decodeModel(bytes.model);
  const inputs = bytes.inputs.map((b) => decodeTensor(b));
  const outputs = bytes.outputs.map((b) => decodeTensor(b));
  const feeds = model.inputs.map((v) => v.name).filter((n) => !model.initializers.has(n));
  const value = (name: string): OnnxTensor | undefined =>
    model.initializers.get(name) ?? inputs.find((t) => t.name !== '' && t.name === name) ?? inputs[feeds.indexOf(name)];
  return { model, node: model.nodes[model.nodes.length - 1], value, outputs };
}

/** The data files of a test_data_set folder listing, split into inputs and outputs, each in numeric order. */
export function splitDataFiles(names: readonly string[]): { inputs: string[]; outputs: string[] } {
  const sorted = [...names].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return { inputs: sorted.filter((f) => f.startsWith('input_')), outputs: sorted.filter((f) => f.startsWith('output_')) };
}
