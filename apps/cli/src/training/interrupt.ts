import type { Callback, TrainingModel } from '@batchwise/layers';

/*
 * Ctrl-C during training: the first SIGINT asks fit to stop after the
 * current batch (the checkpoint callback then saves where it stopped); a
 * second one exits at once with 130 (128 + SIGINT), the shell convention,
 * for a user who cannot wait. fit yields to the event loop between batches,
 * so the signal is seen within one batch.
 */

export interface StopSignal {
  readonly requested: boolean;
  /** Ask for a stop, as SIGINT does (tests call this directly). */
  request(): void;
  /** Remove the SIGINT handler. */
  dispose(): void;
}

export function listenForInterrupt(onFirst: () => void = () => {}): StopSignal {
  let requested = false;
  const handler = () => {
    if (requested) process.exit(130);
    requested = true;
    onFirst();
  };
  process.on('SIGINT', handler);
  return {
    get requested() {
      return requested;
    },
    request() {
      requested = true;
    },
    dispose() {
      process.off('SIGINT', handler);
    },
  };
}

/** A fit callback that stops training once the signal was given. */
export function stopOnSignal(signal: StopSignal): Callback {
  let model: TrainingModel | null = null;
  return {
    setModel: (m) => void (model = m),
    onBatchEnd: () => {
      if (signal.requested && model) model.stopTraining = true;
    },
  };
}
