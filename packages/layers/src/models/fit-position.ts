import { InvalidArgumentError, Random, describeValue } from '@batchwise/core';

/*
 * Where fit() is: the next batch of the epoch in progress and the running sums
 * of that epoch. Each epoch's sample order is a permutation drawn from a seed
 * made of fit's seed and the epoch number alone, so a run resumed from a
 * position sees exactly the batches an uninterrupted run would have seen.
 */

export interface FitPosition {
  /** 0-based epoch in progress. */
  epoch: number;
  /**
   * Next batch index within that epoch (0 at an epoch boundary). Equal to the batches per epoch
   * between the epoch's last step and its end (validation, onEpochEnd): a step checkpoint there
   * resumes with just the end of the epoch.
   */
  batch: number;
  /** Optimizer steps taken so far, over every epoch (resumed runs included). */
  step: number;
  /** Sample-weighted sums of the epoch's loss and metrics so far, in fit's metric order. */
  sums: number[];
  /** Samples trained in the epoch so far. */
  seen: number;
  /** Seconds spent in training steps in the epoch so far (validation excluded). */
  seconds: number;
}

/** The position at the start of an epoch. */
export function epochStart(epoch: number, step: number, metrics: number): FitPosition {
  return { epoch, batch: 0, step, sums: new Array<number>(metrics).fill(0), seen: 0, seconds: 0 };
}

/** The sample order of one epoch: a permutation seeded by (seed, epoch) only. */
export function epochOrder(n: number, seed: number, epoch: number, shuffle: boolean): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  if (shuffle) new Random(seed * 1000003 + epoch).shuffle(order);
  return order;
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** Checks a position given to fit (initialPosition, or one read back from a checkpoint) against this run. */
export function checkPosition(fn: string, p: unknown, metrics: number, batches: number): FitPosition {
  const bad = (what: string, v: unknown) => new InvalidArgumentError(`${fn}: initialPosition.${what}, received ${describeValue(v)}.`);
  if (p === null || typeof p !== 'object') throw new InvalidArgumentError(`${fn}: initialPosition must be an object from a checkpoint or History.position, received ${describeValue(p)}.`);
  const { epoch, batch, step, sums, seen, seconds } = p as Record<string, unknown>;
  if (!isCount(epoch)) throw bad('epoch must be a non-negative integer', epoch);
  if (!isCount(batch) || batch > batches) throw bad(`batch must be an integer in [0, ${batches}] (batches per epoch)`, batch);
  if (!isCount(step)) throw bad('step must be a non-negative integer', step);
  if (!isCount(seen)) throw bad('seen must be a non-negative integer', seen);
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) throw bad('seconds must be a finite number >= 0', seconds);
  if (!Array.isArray(sums) || sums.length !== metrics || !sums.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw bad(`sums must be ${metrics} finite numbers (loss and metrics)`, sums);
  }
  return { epoch, batch, step, sums: [...sums], seen, seconds };
}
