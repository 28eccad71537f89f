import { InvalidArgumentError, ShapeError, Tensor, zeros } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import { input, layers, model, sequential, train } from '../src/index.js';
import './helpers.js';

/** Each case: what is called, the exact message, the error class. */
const cases: [string, () => unknown, string | RegExp, typeof InvalidArgumentError][] = [
  ['dense units', () => layers.dense({ units: 2.5, name: 'd' }), "Dense 'd': units must be a positive integer, received 2.5.", InvalidArgumentError],
  ['dense activation', () => layers.dense({ units: 2, activation: 'gelu' as 'relu', name: 'd' }), "Dense 'd': activation must be one of 'linear', 'relu', 'sigmoid', 'tanh', 'softmax', received 'gelu'.", InvalidArgumentError],
  ['dense initializer', () => layers.dense({ units: 2, kernelInitializer: 'orthogonal' as 'zeros', name: 'd' }), /^Dense 'd': kernelInitializer must be one of 'zeros', 'ones', 'glorotUniform'.*received 'orthogonal'\.$/, InvalidArgumentError],
  ['unknown option', () => layers.dense({ units: 2, kernelsize: 3, name: 'd' } as never), /^Dense 'd': option names must be one of .*units.*, received 'kernelsize'\.$/, InvalidArgumentError],
  ['conv strides', () => layers.conv2d({ filters: 2, kernelSize: 3, strides: [2.5, 2] as never, name: 'c' }), "Conv2D 'c': strides must be a positive integer or a pair of positive integers, received [2.5,2].", InvalidArgumentError],
  ['conv padding', () => layers.conv2d({ filters: 2, kernelSize: 3, padding: 'full' as 'same', name: 'c' }), "Conv2D 'c': padding must be one of 'valid', 'same', received 'full'.", InvalidArgumentError],
  ['bn momentum', () => layers.batchNormalization({ momentum: 1.5, name: 'bn1' }), "BatchNormalization 'bn1': momentum must be in [0, 1], received 1.5.", InvalidArgumentError],
  ['bn epsilon', () => layers.batchNormalization({ epsilon: 0, name: 'bn1' }), "BatchNormalization 'bn1': epsilon must be in (0, 1.7976931348623157e+308], received 0.", InvalidArgumentError],
  ['bn axis', () => layers.batchNormalization({ axis: [1, 2] as never, name: 'bn1' }), "BatchNormalization 'bn1': axis must be an integer or a one-element list of an integer, received [1,2].", InvalidArgumentError],
  ['bn axis out of range', () => layers.batchNormalization({ axis: 3, name: 'bn2' }).apply(zeros([2, 3])), "BatchNormalization 'bn2': axis must be in [1, 1] or [-1, -1] for input rank 2, received 3.", InvalidArgumentError],
  ['dropout rate', () => layers.dropout({ rate: 1, name: 'dr' }), "Dropout 'dr': rate must be in [0, 1), received 1.", InvalidArgumentError],
  ['pool size', () => layers.maxPooling2d({ poolSize: 0, name: 'mp' }), "MaxPooling2D 'mp': poolSize must be a positive integer or a pair of positive integers, received 0.", InvalidArgumentError],
  ['dense input width', () => { const d = layers.dense({ units: 2, name: 'dw' }); d.apply(zeros([1, 3])); d.apply(zeros([1, 4])); }, "Dense 'dw': input last dimension must be 3, received shape [1,4].", ShapeError],
  ['conv rank', () => layers.conv2d({ filters: 2, kernelSize: 3, name: 'cr' }).apply(zeros([2, 5, 5])), "Conv2D 'cr': input must be NHWC [batch, height, width, channels] with known height, width and channels, received shape [2,5,5].", ShapeError],
  ['conv too small', () => layers.conv2d({ filters: 2, kernelSize: 5, name: 'cs' }).apply(zeros([1, 3, 3, 1])), "Conv2D 'cs': input height and width must fit kernelSize [5,5] with dilationRate [1,1] and padding 'valid', received shape [1,3,3,1].", ShapeError],
  ['first layer without shape', () => sequential({ layers: [layers.dense({ units: 2, name: 'ns' })], name: 's' }), "Sequential 's' add: the first layer ('ns') must get inputShape or batchInputShape, received neither.", InvalidArgumentError],
  ['predict shape', () => sequential({ layers: [layers.dense({ units: 2, inputShape: [3], name: 'ps' })], name: 'sp' }).predict(zeros([4, 5])), "Sequential 'sp' predict: x must have shape [null,3] (input 'ps_input'), received [4,5].", ShapeError],
  ['fit before compile', () => sequential({ layers: [layers.dense({ units: 2, inputShape: [3] })], name: 'sc' }).trainOnBatch(zeros([1, 3]), zeros([1, 2])), "Sequential 'sc' trainOnBatch: call compile({ optimizer, loss }) first.", InvalidArgumentError],
  ['compile loss', () => sequential({ layers: [layers.dense({ units: 2, inputShape: [3] })], name: 'sl' }).compile({ optimizer: 'sgd', loss: 'hinge' }), /^Sequential 'sl' compile: loss must be one of 'meanSquaredError', .*received 'hinge'\.$/, InvalidArgumentError],
  ['compile optimizer', () => sequential({ layers: [layers.dense({ units: 2, inputShape: [3] })], name: 'so' }).compile({ optimizer: 'rmsprop', loss: 'mse' }), "Sequential 'so' compile: optimizer must be one of 'sgd', 'adam' or an optimizer from train.*, received 'rmsprop'.", InvalidArgumentError],
  ['sgd momentum', () => train.sgd({ learningRate: 0.1, momentum: 2 }), 'train.sgd: momentum must be in [0, 1], received 2.', InvalidArgumentError],
  ['add shapes', () => { const a = input({ shape: [2] }); const b = input({ shape: [3] }); layers.add({ name: 'ad' }).apply([a, b]); }, "Add 'ad': inputs must share one shape, received [null,2] and [null,3].", ShapeError],
  ['model missing input', () => { const a = input({ shape: [2], name: 'ia' }); const b = input({ shape: [2], name: 'ib' }); model({ inputs: a, outputs: layers.add().apply([a, b]), name: 'mm' }); }, "model 'mm': outputs depend on input 'ib', which is not in inputs.", InvalidArgumentError],
];

describe('bad input errors name the layer, option, expected and received', () => {
  for (const [name, call, message, cls] of cases) {
    it(name, async () => {
      let thrown: unknown = null;
      try {
        await call();
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(cls);
      if (typeof message === 'string') expect((thrown as Error).message).toBe(message);
      else expect((thrown as Error).message).toMatch(message);
    });
  }

  it('sparse labels out of range name the row and class count', async () => {
    const m = sequential({ layers: [layers.dense({ units: 3, inputShape: [2], activation: 'softmax' })] });
    m.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    await expect(m.trainOnBatch(zeros([2, 2]), new Tensor(Float32Array.from([0, 3]), [2]))).rejects.toThrow(
      /trainOnBatch: y row 1 must be a class index in \[0, 2\] \(sparseCategoricalCrossentropy, 3 classes\), received 3\.$/,
    );
  });
});
