import { assertInRange, assertBoolean, assertPositiveInt } from '@batchwise/core';

/*
 * Learning-rate schedules as functions of the epoch, for LearningRateScheduler.
 * They depend on the epoch alone (never on the current rate), so a run resumed
 * at any epoch gets exactly the rate the uninterrupted run had.
 */

/** (epoch, current learning rate) -> learning rate for that epoch (Keras LearningRateScheduler). */
export type EpochSchedule = (epoch: number, learningRate: number) => number;

export interface ExponentialDecayArgs {
  initialLearningRate: number;
  /** Multiplier per decaySteps epochs, in (0, 1]. */
  decayRate: number;
  /** Epochs per decay. Default 1. */
  decaySteps?: number;
  /** Decay in whole steps (a staircase) instead of continuously. Default false. */
  staircase?: boolean;
}

/** Keras ExponentialDecay counted in epochs: lr = initial * decayRate^(epoch / decaySteps). */
export function exponentialDecay(args: ExponentialDecayArgs): EpochSchedule {
  const fn = 'schedules.exponentialDecay';
  const { initialLearningRate, decayRate, decaySteps = 1, staircase = false } = args;
  assertInRange(fn, 'initialLearningRate', initialLearningRate, 0, Number.MAX_VALUE);
  assertInRange(fn, 'decayRate', decayRate, 0, 1, { lowOpen: true });
  assertPositiveInt(fn, 'decaySteps', decaySteps);
  assertBoolean(fn, 'staircase', staircase);
  return (epoch) => {
    const p = epoch / decaySteps;
    return initialLearningRate * decayRate ** (staircase ? Math.floor(p) : p);
  };
}

export const schedules = { exponentialDecay };
