import { InvalidArgumentError, Tensor, assertBoolean, dispose, formatShape, tidy } from '@batchwise/core';
import { runForward } from '../engine/execute.js';
import type { Layer, LayerVariable } from '../engine/layer.js';
import { hashSeed, nextUid } from '../engine/naming.js';
import type { FitPosition } from './fit-position.js';
import type { SymbolicTensor } from '../engine/symbolic-tensor.js';
import { concatRows, copyOf, sliceRows } from '../engine/tensor-utils.js';
import { buildGraph, type Graph } from '../engine/topology.js';
import type { Callback, TrainingModel } from '../training/callbacks.js';
import { canFuse, gradientsOf, lossOf, trainStep, type Compiled } from './train-step.js';
import { resolveLossName, type LossName } from '../training/losses.js';
import { resolveMetric } from '../training/metrics.js';
import { getOptimizer, type Optimizer } from '../training/optimizers.js';
import { checkBatchSize, checkFiniteInputs, checkInputs, checkSameBatch, checkTargets, nonFiniteCause } from './data-checks.js';
import { warn } from '../engine/warnings.js';
import { allFinite } from '../engine/values.js';
import { fitLoop, type History, type ModelFitArgs } from './fit.js';
import { modelSummary } from './summary.js';
import type { SaveResult, SaveTarget } from '../io/index.js';
import { checkBatchNorm, type BatchNormCheck, type CheckBatchNormOptions } from '../bn-tools/check.js';
import { foldBatchNorm, type BatchNormFolding, type FoldBatchNormOptions } from '../bn-tools/fold.js';
import { recalibrateBatchNorm, type RecalibrateOptions, type Recalibration } from '../bn-tools/recalibrate.js';
import { warnStaleStatistics } from '../bn-tools/staleness.js';

export interface ModelCompileArgs {
  /** 'sgd', 'adam' or an optimizer from `train.*`. */
  optimizer: string | Optimizer;
  /** tfjs loss name, e.g. 'categoricalCrossentropy'. */
  loss: LossName | string;
  /** e.g. ['accuracy']; 'accuracy' resolves by loss as Keras does. */
  metrics?: string[];
}

export interface ModelPredictArgs {
  /** Default 32. */
  batchSize?: number;
  /**
   * Predict with the folded form (foldBatchNorm): batch norms that follow a
   * Conv2D or Dense are folded into it first. Folding runs on every call; to
   * predict many times, fold once with `foldBatchNorm()` and use its model. Default false.
   */
  foldBatchNorm?: boolean;
}

/**
 * A model over a graph of layers (tfjs `tf.LayersModel`): built from inputs
 * and outputs by `model()`, or by `sequential()` as a stack.
 */
export class LayersModel implements TrainingModel {
  readonly className: string = 'Model';
  readonly name: string;
  protected graph!: Graph;
  compiled: Compiled | null = null;
  /** Set by callbacks to stop fit() after the current batch. */
  stopTraining = false;
  /** During fit: the next batch to run (see FitPosition). Null outside fit. */
  fitPosition: FitPosition | null = null;

  constructor(args: { inputs?: SymbolicTensor | SymbolicTensor[]; outputs?: SymbolicTensor | SymbolicTensor[]; name?: string }) {
    this.name = args.name ?? `model${nextUid('model')}`;
    if (args.inputs !== undefined || args.outputs !== undefined) {
      const toList = (v: unknown) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
      this.setGraph(buildGraph(`model '${this.name}'`, toList(args.inputs), toList(args.outputs)));
    }
  }

  protected setGraph(graph: Graph): void {
    this.graph = graph;
  }

  protected requireGraph(fn: string): Graph {
    if (!this.graph) throw new InvalidArgumentError(`${this.className} '${this.name}' ${fn}: the model has no layers yet; add a first layer with inputShape.`);
    return this.graph;
  }

  get inputs(): SymbolicTensor[] {
    return this.requireGraph('inputs').inputs;
  }

  get outputs(): SymbolicTensor[] {
    return this.requireGraph('outputs').outputs;
  }

  /** Layers in graph order; input layers included (tfjs functional models do the same). */
  get layers(): Layer[] {
    return this.graph ? [...this.graph.layers] : [];
  }

  getLayer(name: string): Layer {
    const layer = this.layers.find((l) => l.name === name);
    if (!layer) throw new InvalidArgumentError(`getLayer: name must be one of ${this.layers.map((l) => `'${l.name}'`).join(', ')}, received '${name}'.`);
    return layer;
  }

  /** tfjs order: every layer's trainable weights, then every layer's non-trainable ones. */
  get weights(): LayerVariable[] {
    return [...this.trainableWeights, ...this.nonTrainableWeights];
  }

  get trainableWeights(): LayerVariable[] {
    return this.layers.flatMap((l) => l.trainableWeights);
  }

  get nonTrainableWeights(): LayerVariable[] {
    return this.layers.flatMap((l) => l.nonTrainableWeights);
  }

  countParams(): number {
    return this.layers.reduce((n, l) => n + l.countParams(), 0);
  }

  /** Copies of the weight values in `weights` order (kernel, bias; gamma, beta; then moving statistics). */
  getWeights(): Tensor[] {
    return this.weights.map((w) => copyOf(w.value));
  }

  /** Sets every weight, in getWeights() order; shapes must match. */
  setWeights(weights: Tensor[]): void {
    const own = this.weights;
    if (!Array.isArray(weights) || weights.length !== own.length) {
      throw new InvalidArgumentError(`setWeights: weights must be a list of ${own.length} tensors (${own.map((w) => `${w.fullName} ${formatShape(w.shape)}`).join(', ')}), received ${Array.isArray(weights) ? weights.length : String(weights)}.`);
    }
    own.forEach((w, i) => w.assign(weights[i], 'setWeights'));
  }

  /** The compiled optimizer, or null before compile(). */
  get optimizer(): Optimizer | null {
    return this.compiled?.optimizer ?? null;
  }

  /**
   * Draws every weight again from its initializer, each seeded from (seed, the layer's position
   * in `layers`, the weight's name), and reseeds Dropout layers that have no seed of their own:
   * a model-level seed decides the whole starting point, whatever the layers are called.
   * Initializers with a seed of their own keep it (Keras semantics).
   */
  initializeWeights(seed: number): void {
    if (!Number.isSafeInteger(seed)) throw new InvalidArgumentError(`${this.className} '${this.name}' initializeWeights: seed must be an integer, received ${String(seed)}.`);
    this.layers.forEach((layer, index) => {
      for (const w of layer.weights) {
        if (w.initializer) w.assign(w.initializer.apply(w.shape, hashSeed(`${seed}:${index}:${w.name}`)), 'initializeWeights');
      }
      layer.reseed(hashSeed(`${seed}:${index}`));
    });
  }

  /** Per layer, the counters its randomness depends on (Dropout call counts); checkpoints save it. */
  getRandomState(): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = {};
    for (const layer of this.layers) {
      const state = layer.getRandomState();
      if (Object.keys(state).length > 0) out[layer.name] = state;
    }
    return out;
  }

  /** Restores getRandomState() output; every layer named must exist. */
  setRandomState(state: Record<string, Record<string, number>>): void {
    for (const [name, s] of Object.entries(state)) this.getLayer(name).setRandomState(s);
  }

  compile(args: ModelCompileArgs): void {
    const fn = `${this.className} '${this.name}' compile`;
    const graph = this.requireGraph('compile');
    const optimizer = getOptimizer(fn, args?.optimizer);
    const lossName = resolveLossName(fn, args.loss);
    const names = args.metrics ?? [];
    if (!Array.isArray(names)) throw new InvalidArgumentError(`${fn}: metrics must be a list of names, received ${String(names)}.`);
    const units = graph.outputs[0].shape[graph.outputs[0].shape.length - 1] ?? 0;
    const metricFns = names.map((m) => resolveMetric(fn, m, lossName, units));
    this.compiled = { optimizer, lossName, metricNames: names, metricFns, fused: canFuse(graph, lossName) };
  }

  protected requireCompiled(fn: string): Compiled {
    if (!this.compiled) throw new InvalidArgumentError(`${this.className} '${this.name}' ${fn}: call compile({ optimizer, loss }) first.`);
    if (this.requireGraph(fn).outputs.length !== 1) {
      throw new InvalidArgumentError(`${this.className} '${this.name}' ${fn}: training needs a model with exactly 1 output, received ${this.graph.outputs.length}.`);
    }
    return this.compiled;
  }

  /** Outputs in inference mode, computed in batches of batchSize. */
  predict(x: Tensor | Tensor[], args: ModelPredictArgs = {}): Tensor | Tensor[] {
    const fn = `${this.className} '${this.name}' predict`;
    const graph = this.requireGraph('predict');
    const xs = checkInputs(fn, graph.inputs, x);
    checkFiniteInputs(fn, xs);
    const batchSize = checkBatchSize(fn, args.batchSize ?? 32);
    const fold = args.foldBatchNorm ?? false;
    assertBoolean(fn, 'foldBatchNorm', fold);
    warnStaleStatistics(fn, graph.layers);
    if (fold) return this.foldBatchNorm().model.predict(xs.length === 1 ? xs[0] : xs, { batchSize });
    const n = xs[0].shape[0];
    const parts: Tensor[][] = graph.outputs.map(() => []);
    for (let start = 0; start < n; start += batchSize) {
      const end = Math.min(n, start + batchSize);
      const batch = tidy(() => {
        const pass = runForward(graph, xs.map((t) => (start === 0 && end === n ? t : sliceRows(t, start, end))), false);
        return graph.outputs.map((o) => pass.values.get(o.id) as Tensor);
      });
      batch.forEach((t, i) => parts[i].push(t));
    }
    // Every output has the same number of batch parts. One part is the output itself; several
    // are joined into a fresh tensor (concat), after which the parts go back to the pool (outputs
    // sharing memory, such as the same tensor twice, share their parts too: release is per buffer).
    const joined = parts[0].length > 1;
    const outs = parts.map((p) => (joined ? concatRows(p) : p[0]));
    if (joined) dispose(parts.flat());
    if (!outs.every(allFinite)) warn(`${fn}: the outputs hold NaN or Infinity (${nonFiniteCause(this.weights)}); they are not predictions.`);
    return outs.length === 1 ? outs[0] : outs;
  }

  /** Loss (then metrics) in inference mode, averaged over all samples. */
  evaluate(x: Tensor | Tensor[], y: Tensor, args: ModelPredictArgs = {}): number | number[] {
    const fn = `${this.className} '${this.name}' evaluate`;
    const compiled = this.requireCompiled('evaluate');
    const xs = checkInputs(fn, this.graph.inputs, x);
    const n = checkSameBatch(fn, xs, y);
    this.checkData(fn, compiled, xs, y);
    const batchSize = checkBatchSize(fn, args.batchSize ?? 32);
    const sums = new Array<number>(1 + compiled.metricFns.length).fill(0);
    for (let start = 0; start < n; start += batchSize) {
      const end = Math.min(n, start + batchSize);
      const r = tidy(() => {
        const pass = runForward(this.graph, xs.map((t) => sliceRows(t, start, end)), false);
        const { loss, metrics } = lossOf(this.graph, compiled, pass, sliceRows(y, start, end));
        return { loss, metrics };
      });
      [r.loss, ...r.metrics].forEach((v, i) => (sums[i] += v * (end - start)));
    }
    const means = sums.map((s) => s / n);
    if (!means.every(Number.isFinite)) warn(`${fn}: the loss is ${means[0]} (${nonFiniteCause(this.weights)}); the loss and metrics say nothing about the model.`);
    return means.length === 1 ? means[0] : means;
  }

  /** One optimizer step on one batch; resolves to the loss, or [loss, ...metrics]. */
  async trainOnBatch(x: Tensor | Tensor[], y: Tensor): Promise<number | number[]> {
    const fn = `${this.className} '${this.name}' trainOnBatch`;
    const compiled = this.requireCompiled('trainOnBatch');
    const xs = checkInputs(fn, this.graph.inputs, x);
    checkSameBatch(fn, xs, y);
    this.checkData(fn, compiled, xs, y);
    const r = trainStep(this.graph, compiled, this.weights, xs, y);
    return r.metrics.length === 0 ? r.loss : [r.loss, ...r.metrics];
  }

  /**
   * Loss and d(loss)/d(weight) for every trainable weight (trainableWeights
   * order), in training mode, without updating anything but the moving
   * statistics a training-mode forward pass updates.
   */
  computeGradients(x: Tensor | Tensor[], y: Tensor): { loss: number; grads: Tensor[] } {
    const fn = `${this.className} '${this.name}' computeGradients`;
    const compiled = this.requireCompiled('computeGradients');
    const xs = checkInputs(fn, this.graph.inputs, x);
    checkSameBatch(fn, xs, y);
    return gradientsOf(this.graph, compiled, this.trainableWeights, xs, y);
  }

  /** Trains for a number of epochs (tfjs `model.fit`); resolves to the history. */
  async fit(x: Tensor | Tensor[], y: Tensor, args: ModelFitArgs = {}): Promise<History> {
    const fn = `${this.className} '${this.name}' fit`;
    const compiled = this.requireCompiled('fit');
    const xs = checkInputs(fn, this.graph.inputs, x);
    checkSameBatch(fn, xs, y);
    this.checkData(fn, compiled, xs, y);
    const v = args.validationData;
    if (Array.isArray(v) && v.length === 2 && v[1] instanceof Tensor) {
      const vx = checkInputs(`${fn} validationData`, this.graph.inputs, v[0]);
      checkSameBatch(`${fn} validationData`, vx, v[1]);
      this.checkData(`${fn} validationData`, compiled, vx, v[1]);
    }
    return fitLoop(this, fn, {
      xs,
      y,
      step: (bx, by) => trainStep(this.graph, compiled, this.weights, bx, by),
      evaluate: (vx, vy, batchSize) => {
        const r = this.evaluate(vx, vy, { batchSize });
        return Array.isArray(r) ? r : [r];
      },
      checkValidation: (vx) => checkInputs(`${fn} validationData`, this.graph.inputs, vx),
      metricNames: compiled.metricNames,
    }, args);
  }

  /** Non-finite inputs and targets that do not fit the loss are errors before any step (models/data-checks.ts). */
  protected checkData(fn: string, compiled: Compiled, xs: Tensor[], y: Tensor): void {
    checkFiniteInputs(fn, xs);
    checkTargets(fn, compiled.lossName, y, this.graph.outputs[0].shape);
  }

  /**
   * Runs one batch in training mode (batch statistics) and in inference mode
   * (moving statistics) without changing anything, and reports per batch-norm
   * layer how far the two diverge and the likely cause in words (never or
   * barely updated, stale statistics, distribution shift, batch too small).
   */
  checkBatchNorm(x: Tensor | Tensor[], options: CheckBatchNormOptions = {}): BatchNormCheck {
    return checkBatchNorm(this, x, options);
  }

  /**
   * Precise batch norm: recomputes every batch norm's moving mean and variance
   * exactly over the data (Chan's merge in float64, layer by layer, each layer
   * seeing its recalibrated predecessors), leaving every other weight as is.
   */
  recalibrateBatchNorm(x: Tensor | Tensor[], options: RecalibrateOptions = {}): Recalibration {
    return recalibrateBatchNorm(this, x, options);
  }

  /**
   * An inference copy of the model with each batch norm that follows a Conv2D
   * or Dense folded into its kernel and bias; with `data`, also the largest
   * output difference that introduced.
   */
  foldBatchNorm(options: FoldBatchNormOptions = {}): BatchNormFolding {
    return foldBatchNorm(this, (args) => new LayersModel(args), options);
  }

  /** Keras-style table; printed with printFn (default console.log) and returned. */
  summary(lineLength?: number, positions?: number[], printFn: (line: string) => void = (l) => console.log(l)): string {
    return modelSummary(this, this.requireGraph('summary'), { lineLength, positions, printFn });
  }

  /**
   * Saves in the TensorFlow.js Layers format: to a directory (model.json +
   * a weight file named after its content; a crash leaves the old model or
   * the new one, README "Safety") or to any handler with save(artifacts),
   * e.g. tfjs `io.withSaveHandler`.
   */
  async save(target: SaveTarget): Promise<SaveResult> {
    const { saveModel } = await import('../io/index.js');
    return saveModel(this, target);
  }

  /** Sets trainable on every layer. */
  set trainable(value: boolean) {
    assertBoolean(`${this.className} '${this.name}'`, 'trainable', value);
    for (const l of this.layers) l.trainable = value;
  }

  get trainable(): boolean {
    return this.layers.some((l) => l.trainable);
  }
}

export type { Callback, History, ModelFitArgs };
