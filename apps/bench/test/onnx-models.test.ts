import '@batchwise/backend-cpu';
import * as layersApi from '@batchwise/layers';
import { toOnnx } from '@batchwise/onnx';
import { describe, expect, it } from 'vitest';
import type { LayersApi } from '../src/models/definitions.js';
import { modelCases } from '../src/models/specs.js';
import { onnxModelContender, type OnnxExporter } from '../src/models/onnx-contender.js';

const api = layersApi as unknown as LayersApi;
const mlpPredict = modelCases().find((c) => c.id === 'mlp-predict-8')!;

describe('onnxruntime model contender', () => {
  it('runs the exported MLP+BN after checking it against batchwise', async () => {
    const p = await onnxModelContender(1, { api, exporter: { toOnnx: (m) => toOnnx(m as layersApi.LayersModel) }, backendName: 'cpu' }).prepare(mlpPredict);
    if ('unavailable' in p) throw new Error(p.unavailable);
    expect(p.note).toMatch(/^exported by toOnnx; max \|diff\| vs batchwise /);
    await p.run();
    p.dispose?.();
  });

  it('refuses to time an export that disagrees with batchwise', async () => {
    // Exports the model with its first kernel's weights changed: a stand-in for a wrong exporter.
    const wrong: OnnxExporter = {
      toOnnx: (m) => {
        const model = m as layersApi.LayersModel;
        const kernel = model.layers.find((l) => l.className === 'Dense')!.weights[0].value;
        const saved = kernel.data.slice();
        kernel.data.forEach((v, i) => (kernel.data[i] = v + 0.05));
        const bytes = toOnnx(model);
        kernel.data.set(saved);
        return bytes;
      },
    };
    const p = await onnxModelContender(1, { api, exporter: wrong, backendName: 'cpu' }).prepare(mlpPredict);
    expect(p).toEqual({ unavailable: expect.stringMatching(/^exported model differs from batchwise cpu by .* \(> 0.00001\): not timed$/) });
  });

  it('says that training is not available', async () => {
    const train = modelCases().find((c) => c.mode === 'train')!;
    expect(await onnxModelContender(2, { backendName: 'cpu' }).prepare(train)).toEqual({ unavailable: 'onnxruntime-node runs inference only (no training)' });
  });
});
