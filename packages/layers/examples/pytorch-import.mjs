// Load a PyTorch state_dict (.npz) into the same architecture and compare with PyTorch's output.
//   node packages/layers/examples/pytorch-import.mjs
import '@batchwise/backend-cpu';
import { readFileSync } from 'node:fs';
import { Tensor } from '@batchwise/core';
import { layers, loadPytorchStateDict, sequential, translators } from '@batchwise/layers';

const fixture = (name) => new Uint8Array(readFileSync(new URL(`../test/fixtures/pytorch/${name}`, import.meta.url)));
const conv = (filters) => layers.conv2d({ filters, kernelSize: 3, padding: 'same', useBias: false });
const relu = () => layers.activation({ activation: 'relu' });
const model = sequential({
  layers: [
    layers.inputLayer({ shape: [28, 28, 1] }),
    conv(4), layers.batchNormalization(), relu(), layers.maxPooling2d({ poolSize: 2 }),
    conv(8), layers.batchNormalization(), relu(), layers.maxPooling2d({ poolSize: 2 }),
    layers.flatten(), layers.dense({ units: 16, useBias: false }), layers.batchNormalization(), relu(), layers.dropout({ rate: 0.3 }),
    layers.dense({ units: 10, activation: 'softmax' }),
  ],
});
loadPytorchStateDict(model, fixture('cnn-bn.npz')); // logs every step
const x = translators.readNpy(fixture('inputs.npy'));
const ours = model.predict(new Tensor(x.values, x.shape)).data;
const theirs = translators.readNpy(fixture('cnn-bn.expected.npy')).values;
console.log(`max |batchwise - PyTorch| over 4 x 10 probabilities: ${Math.max(...ours.map((p, i) => Math.abs(p - theirs[i]))).toExponential(2)}`);
