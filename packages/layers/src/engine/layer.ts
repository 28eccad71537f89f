import { InvalidArgumentError, ShapeError, Tensor, formatShape, keep, ops } from '@batchwise/core';
import { checkBoolean, checkKnownOptions, checkPositiveInt, checkShapeOption, layerLabel } from './layer-args.js';
import { defaultLayerName, hashSeed } from './naming.js';
import type { Initializer } from '../initializers.js';
import { buildingLayer } from './parameter-budget.js';
import { SymbolicTensor, formatSymbolicShape, type SymbolicShape } from './symbolic-tensor.js';

/** Options every layer accepts (tfjs-layers names). */
export interface LayerArgs {
  /** Unique name; default `<snake_case class>_<Class><n>` as in TensorFlow.js. */
  name?: string;
  /** Whether the optimizer updates this layer's weights (and, for BatchNormalization, training-mode statistics). Default true. */
  trainable?: boolean;
  /** Input shape without the batch dimension; only meaningful on a model's first layer. */
  inputShape?: number[];
  /** Input shape with the batch dimension first (null: any batch size). */
  batchInputShape?: (number | null)[];
  /** Batch size used with `inputShape` to form `batchInputShape`. */
  batchSize?: number;
  /** Only 'float32' is supported. */
  dtype?: 'float32';
}

export const LAYER_ARG_NAMES = ['name', 'trainable', 'inputShape', 'batchInputShape', 'batchSize', 'dtype'] as const;

/** One weight of a layer. The tensor object is stable: optimizers and setWeights update its data in place. */
export class LayerVariable {
  constructor(
    readonly layer: Layer,
    /** Short name: 'kernel', 'bias', 'gamma', 'beta', 'moving_mean', 'moving_variance'. */
    readonly name: string,
    public value: Tensor,
    /** False for statistics (moving mean/variance) that no optimizer touches. */
    readonly trainable: boolean,
    /** Draws the initial value again (LayersModel.initializeWeights); null for weights given as values. */
    readonly initializer: Initializer | null = null,
  ) {}

  /** `<layer name>/<weight name>`, the name used in saved weight manifests. */
  get fullName(): string {
    return `${this.layer.name}/${this.name}`;
  }

  get shape(): readonly number[] {
    return this.value.shape;
  }

  /** Copies values in (shape must match) so references held by optimizers stay valid. */
  assign(values: Tensor, where: string): void {
    if (values.size !== this.value.size || values.shape.some((d, i) => d !== this.value.shape[i]) || values.rank !== this.value.rank) {
      throw new ShapeError(`${where}: weight '${this.fullName}' must have shape ${formatShape(this.value.shape)}, received ${formatShape(values.shape)}.`);
    }
    if (values !== this.value) ops.assign(this.value, values);
  }
}

export interface CallContext {
  /** Training mode: batch statistics in BatchNormalization, active Dropout. */
  training: boolean;
}

export interface ForwardResult {
  output: Tensor;
  /** Whatever backward needs (inputs, batch mean and inverse std, argmax, masks). */
  cache?: unknown;
}

export interface BackwardOptions {
  /** Skip weight gradients (frozen layer). */
  weightGrads: boolean;
  /** Skip the input gradient (the inputs are model inputs). */
  inputGrads: boolean;
  /** dy is the gradient w.r.t. the pre-activation (fused softmax cross-entropy). */
  preActivation?: boolean;
}

export interface BackwardResult {
  /** One gradient per input (null when not requested). */
  dInputs: (Tensor | null)[];
  grads: [LayerVariable, Tensor][];
}

/**
 * Base of every layer. A layer is called on symbolic tensors to build a
 * model graph, or on real tensors to compute directly; `forward` caches what
 * `backward` needs, so the model can run backward in reverse topological
 * order without recomputing anything.
 */
export abstract class Layer {
  abstract readonly className: string;
  readonly name: string;
  built = false;
  /** Weights in creation order (kernel, bias; gamma, beta, moving_mean, moving_variance). */
  readonly weights: LayerVariable[] = [];
  /** From inputShape / batchInputShape, when given. */
  readonly batchInputShape: SymbolicShape | null;
  /** Input shapes this layer was built for (batch null). */
  protected builtInputShapes: SymbolicShape[] = [];
  private calls = 0;
  private trainableFlag: boolean;

  constructor(className: string, args: LayerArgs, optionNames: readonly string[] = []) {
    const name = args.name ?? defaultLayerName(className);
    if (typeof name !== 'string' || name.length === 0) {
      throw new InvalidArgumentError(`${className}: name must be a non-empty string, received ${String(name)}.`);
    }
    this.name = name;
    const where = layerLabel(className, name);
    checkKnownOptions(where, args, [...LAYER_ARG_NAMES, ...optionNames]);
    // The field, not the setter: a subclass's setter (BatchNormalization's preset) runs before its own fields exist.
    this.trainableFlag = args.trainable === undefined ? true : checkBoolean(where, 'trainable', args.trainable);
    if (args.dtype !== undefined && args.dtype !== 'float32') {
      throw new InvalidArgumentError(`${where}: dtype must be 'float32', received ${String(args.dtype)}.`);
    }
    this.batchInputShape = resolveBatchInputShape(where, args);
  }

  /** `Dense 'dense_Dense1'`: the prefix of every error this layer throws. */
  get label(): string {
    return layerLabel(this.className, this.name);
  }

  /** Whether the optimizer updates this layer's weights (BatchNormalization: see its switches). */
  get trainable(): boolean {
    return this.trainableFlag;
  }

  set trainable(value: boolean) {
    this.trainableFlag = value;
  }

  get trainableWeights(): LayerVariable[] {
    return this.trainable ? this.weights.filter((w) => w.trainable) : [];
  }

  get nonTrainableWeights(): LayerVariable[] {
    return this.trainable ? this.weights.filter((w) => !w.trainable) : [...this.weights];
  }

  countParams(): number {
    return this.weights.reduce((n, w) => n + w.value.size, 0);
  }

  /** Creates the weights for these input shapes (called once, on first use). */
  protected build(_inputShapes: SymbolicShape[]): void {}

  /** Output shape for these input shapes; throws a ShapeError naming the layer when they do not fit. */
  abstract computeOutputShape(inputShapes: SymbolicShape[]): SymbolicShape;

  abstract forward(inputs: Tensor[], ctx: CallContext): ForwardResult;

  abstract backward(dy: Tensor, cache: unknown, options: BackwardOptions): BackwardResult;

  /** Options in tfjs-layers camelCase form, for serialization (see io/serialization.ts). */
  getConfig(): Record<string, unknown> {
    return { name: this.name, trainable: this.trainable };
  }

  /** Builds on first use, checking the shapes first. */
  ensureBuilt(inputShapes: SymbolicShape[]): void {
    if (!this.built) {
      this.computeOutputShape(inputShapes);
      this.builtInputShapes = inputShapes.map((s) => [null, ...s.slice(1)]);
      buildingLayer(this.label, () => this.build(this.builtInputShapes));
      this.built = true;
    }
  }

  /**
   * Calls the layer. On symbolic tensors it adds a node to the graph being
   * built and returns the symbolic output; on tensors it computes the output
   * now (inference unless `training: true`).
   */
  apply(inputs: SymbolicTensor | SymbolicTensor[], options?: { training?: boolean }): SymbolicTensor;
  apply(inputs: Tensor | Tensor[], options?: { training?: boolean }): Tensor;
  apply(inputs: SymbolicTensor | SymbolicTensor[] | Tensor | Tensor[], options: { training?: boolean } = {}): SymbolicTensor | Tensor {
    const list = (Array.isArray(inputs) ? inputs : [inputs]) as unknown[];
    if (list.length > 0 && list.every((t) => t instanceof SymbolicTensor)) {
      const symbolic = list as SymbolicTensor[];
      const shapes = symbolic.map((t) => t.shape);
      this.ensureBuilt(shapes);
      const outShape = this.computeOutputShape(shapes);
      return new SymbolicTensor(outShape, this, symbolic, this.calls++);
    }
    if (list.length > 0 && list.every((t) => t instanceof Tensor)) {
      const tensors = list as Tensor[];
      const shapes = tensors.map((t) => t.shape as SymbolicShape);
      this.ensureBuilt(shapes);
      this.computeOutputShape(shapes);
      if (options.training !== undefined) checkBoolean(`${this.label} apply`, 'training', options.training);
      return this.forward(tensors, { training: options.training ?? false }).output;
    }
    throw new InvalidArgumentError(
      `${this.label} apply: inputs must be tensors or symbolic tensors (not mixed), received ${list.map((t) => (t as object)?.constructor?.name ?? String(t)).join(', ') || 'nothing'}.`,
    );
  }

  /**
   * Adds a weight; called from build. Given an initializer, the value is drawn from it with the
   * seed hashed from `<layer name>/<weight name>`, and initializeWeights can draw it again.
   */
  protected addWeight(name: string, value: Tensor, trainable: boolean): LayerVariable;
  protected addWeight(name: string, initializer: Initializer, shape: readonly number[], trainable: boolean): LayerVariable;
  protected addWeight(name: string, init: Tensor | Initializer, shapeOrTrainable: readonly number[] | boolean, trainable?: boolean): LayerVariable {
    const initializer = init instanceof Tensor ? null : init;
    const value = initializer ? initializer.apply(shapeOrTrainable as readonly number[], hashSeed(`${this.name}/${name}`)) : (init as Tensor);
    // A custom layer may build a weight from kernel outputs inside a tidy: weights outlive every scope.
    const v = new LayerVariable(this, name, keep(value), initializer ? trainable! : (shapeOrTrainable as boolean), initializer);
    this.weights.push(v);
    return v;
  }

  /** Counters this layer's randomness depends on (Dropout's call count), saved by checkpoints. Empty for most layers. */
  getRandomState(): Record<string, number> {
    return {};
  }

  /** Restores getRandomState() output. */
  setRandomState(_state: Record<string, number>): void {}

  /**
   * Captures what a training forward pass changes besides the weights (BatchNormalization's update
   * count) and returns a function that puts it back; a training step whose loss is not finite uses
   * it to leave the layer as it was. Null when a forward pass changes nothing but weights.
   */
  snapshotTrainingState(): (() => void) | null {
    return null;
  }

  /** Reseeds this layer's own randomness (Dropout without a seed of its own) from a seed its model derived. */
  reseed(_seed: number): void {}

  /** Shape check used by computeOutputShape implementations. */
  protected shapeError(what: string, received: SymbolicShape): ShapeError {
    return new ShapeError(`${this.label}: input ${what}, received shape ${formatSymbolicShape(received)}.`);
  }

  protected checkInputCount(inputShapes: SymbolicShape[], count: number): void {
    if (inputShapes.length !== count) {
      throw new InvalidArgumentError(`${this.label}: inputs must be ${count} tensor${count === 1 ? '' : 's'}, received ${inputShapes.length}.`);
    }
  }
}

function resolveBatchInputShape(where: string, args: LayerArgs): SymbolicShape | null {
  if (args.batchInputShape !== undefined) return checkShapeOption(where, 'batchInputShape', args.batchInputShape, true);
  if (args.inputShape !== undefined) {
    const shape = checkShapeOption(where, 'inputShape', args.inputShape, false);
    const batch = args.batchSize === undefined ? null : checkPositiveInt(where, 'batchSize', args.batchSize);
    return [batch, ...shape];
  }
  return null;
}
