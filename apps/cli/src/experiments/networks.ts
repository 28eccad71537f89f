import { Random, Tensor, type Shape } from '@batchwise/core';
import { layers, type Initializer, type Layer } from '@batchwise/layers';

/*
 * Initialisation is an experiment setting: how fast the plain sigmoid
 * network gets going depends on it. Three common choices:
 * - glorot: Keras' default, Glorot & Bengio 2010 uniform, limit sqrt(6 / (fanIn + fanOut)), bias 0;
 * - he: He et al. 2015 truncated normal, variance 2 / fanIn, bias 0;
 * - pytorch: torch.nn.Linear/Conv2d's default, uniform(-1/sqrt(fanIn), 1/sqrt(fanIn)) for
 *   the weights (kaiming_uniform with a = sqrt(5)) and for the bias.
 */

export type InitializerChoice = 'glorot' | 'he' | 'pytorch';
export const INITIALIZER_CHOICES: readonly InitializerChoice[] = ['glorot', 'he', 'pytorch'];

export const INITIALIZER_TEXT: Record<InitializerChoice, string> = {
  glorot: 'Glorot uniform weights, zero biases (Keras default)',
  he: 'He truncated normal weights, zero biases',
  pytorch: 'PyTorch default: uniform ±1/√fan-in weights and biases',
};

/** PyTorch's bias initialisation needs the layer's fan-in, which a bias shape does not carry. */
function uniformFanIn(fanIn: number): Initializer {
  const limit = 1 / Math.sqrt(fanIn);
  return {
    className: 'RandomUniform',
    apply(shape: Shape, seed: number): Tensor {
      const rng = new Random(seed);
      const size = shape.reduce((a, b) => a * b, 1);
      return new Tensor(Float32Array.from({ length: size }, () => rng.uniform(-limit, limit)), [...shape]);
    },
    getConfig: () => ({ minval: -limit, maxval: limit, seed: null }),
  };
}

/** Kernel and bias initializers of a layer with `fanIn` inputs per output (kh * kw * channels for a conv). */
export function initializersFor(choice: InitializerChoice, fanIn: number): { kernelInitializer: Initializer | 'glorotUniform' | 'heNormal'; biasInitializer: Initializer | 'zeros' } {
  if (choice === 'glorot') return { kernelInitializer: 'glorotUniform', biasInitializer: 'zeros' };
  if (choice === 'he') return { kernelInitializer: 'heNormal', biasInitializer: 'zeros' };
  // kaiming_uniform(a = sqrt(5)): bound = sqrt(6 / ((1 + a^2) fanIn)) = 1 / sqrt(fanIn).
  return { kernelInitializer: uniformFanIn(fanIn), biasInitializer: uniformFanIn(fanIn) };
}

export type ActivationName = 'relu' | 'sigmoid' | 'tanh' | 'linear';

export function dense(units: number, fanIn: number, init: InitializerChoice, o: { activation?: ActivationName | 'softmax'; useBias?: boolean } = {}): Layer {
  return layers.dense({ units, activation: o.activation ?? 'linear', useBias: o.useBias ?? true, ...initializersFor(init, fanIn) });
}

export const MNIST_PIXELS = 784;

/**
 * The paper's MNIST network (Ioffe & Szegedy 2015, section 4.1): 3 fully
 * connected hidden layers of 100 units with sigmoid, softmax output. With BN,
 * each hidden layer is dense (no bias) -> BN -> activation, BN normalizing
 * x = Wu before the nonlinearity as in section 3.2. The activation is its
 * own layer in both, so a probe can read its input.
 */
export function paperMlp(bn: boolean, init: InitializerChoice, activation: ActivationName = 'sigmoid', units = 100, hidden = 3): Layer[] {
  const stack: Layer[] = [layers.flatten()];
  let fanIn = MNIST_PIXELS;
  for (let i = 0; i < hidden; i++) {
    stack.push(dense(units, fanIn, init, { useBias: !bn }));
    if (bn) stack.push(layers.batchNormalization());
    stack.push(layers.activation({ activation }));
    fanIn = units;
  }
  stack.push(dense(10, fanIn, init, { activation: 'softmax' }));
  return stack;
}

export function paperMlpText(bn: boolean, activation: ActivationName): string {
  return bn
    ? `784-100-100-100-10: 3 x (dense without bias -> BatchNormalization -> ${activation}), softmax output`
    : `784-100-100-100-10: 3 x (dense -> ${activation}), softmax output`;
}
