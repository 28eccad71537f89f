import { InvalidArgumentError, ops, type Tensor } from '@batchwise/core';
import { Layer, type BackwardOptions, type BackwardResult, type CallContext, type ForwardResult, type LayerArgs } from '../engine/layer.js';
import { checkRange } from '../engine/layer-args.js';
import { hashSeed } from '../engine/naming.js';
import type { SymbolicShape } from '../engine/symbolic-tensor.js';

export interface DropoutArgs extends LayerArgs {
  /** Fraction of units dropped while training, in [0, 1). */
  rate: number;
  /** Base seed; default derived from the layer name. Call k uses seed + k, so runs repeat exactly. */
  seed?: number | null;
}

/** Inverted dropout: kept units are scaled by 1 / (1 - rate) in training; identity in inference. */
export class Dropout extends Layer {
  readonly className = 'Dropout';
  readonly rate: number;
  readonly seed: number | null;
  private dropoutCalls = 0;
  /** The seed of call 0 when `seed` is null: from the layer name, or from a model-level seed (reseed). */
  private derivedSeed: number;

  constructor(args: DropoutArgs) {
    super('Dropout', args, ['rate', 'seed', 'noiseShape']);
    this.rate = checkRange(this.label, 'rate', args.rate, 0, 1, { highOpen: true });
    if (args.seed !== undefined && args.seed !== null && !Number.isInteger(args.seed)) {
      throw new InvalidArgumentError(`${this.label}: seed must be an integer, received ${String(args.seed)}.`);
    }
    this.seed = args.seed ?? null;
    this.derivedSeed = hashSeed(this.name);
    const noiseShape = (args as { noiseShape?: unknown }).noiseShape;
    if (noiseShape !== undefined && noiseShape !== null) {
      throw new InvalidArgumentError(`${this.label}: noiseShape must be null (one mask value per element), received ${JSON.stringify(noiseShape)}.`);
    }
  }

  computeOutputShape(inputShapes: SymbolicShape[]): SymbolicShape {
    this.checkInputCount(inputShapes, 1);
    return inputShapes[0];
  }

  forward([x]: Tensor[], ctx: CallContext): ForwardResult {
    if (!ctx.training || this.rate === 0) return { output: x, cache: null };
    const base = this.seed ?? this.derivedSeed;
    const r = ops.dropout(x, { rate: this.rate, seed: (base + this.dropoutCalls++) >>> 0 });
    return { output: r.y, cache: r.mask };
  }

  backward(dy: Tensor, cache: unknown, options: BackwardOptions): BackwardResult {
    if (!options.inputGrads) return { dInputs: [null], grads: [] };
    const mask = cache as Tensor | null;
    return { dInputs: [mask ? ops.dropoutBackward(dy, mask) : dy], grads: [] };
  }

  override getRandomState(): Record<string, number> {
    return { calls: this.dropoutCalls, derivedSeed: this.derivedSeed };
  }

  override setRandomState(state: Record<string, number>): void {
    const { calls, derivedSeed } = state;
    if (!Number.isSafeInteger(calls) || calls < 0 || !Number.isInteger(derivedSeed) || derivedSeed < 0 || derivedSeed > 0xffffffff) {
      throw new InvalidArgumentError(`${this.label} setRandomState: state must be { calls, derivedSeed } (non-negative integers, the seed below 2^32), received ${JSON.stringify(state)}.`);
    }
    this.dropoutCalls = calls;
    this.derivedSeed = derivedSeed;
  }

  override reseed(seed: number): void {
    this.derivedSeed = seed >>> 0;
    this.dropoutCalls = 0;
  }

  override getConfig(): Record<string, unknown> {
    return { rate: this.rate, noiseShape: null, seed: this.seed, ...super.getConfig() };
  }
}
