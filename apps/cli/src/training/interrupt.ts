/*
 * Ctrl-C during training: the first SIGINT asks the loop to stop after the
 * current batch (it then saves a checkpoint); a second one exits at once with
 * 130 (128 + SIGINT), the shell convention, for a user who cannot wait.
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
