import type { CheckpointHistory, Logs } from '@batchwise/layers';

/** One finished epoch as `train` reports it (1-based epoch). */
export interface EpochRecord {
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss?: number;
  valAccuracy?: number;
  seconds: number;
  imagesPerSecond: number;
}

/** An epoch's fit logs as a record. */
export function recordOf(epoch: number, logs: Logs): EpochRecord {
  const record: EpochRecord = { epoch: epoch + 1, loss: logs.loss, accuracy: logs.accuracy, seconds: logs.seconds, imagesPerSecond: logs.samplesPerSecond };
  if (logs.val_loss !== undefined) Object.assign(record, { valLoss: logs.val_loss, valAccuracy: logs.val_accuracy });
  return record;
}

/** The records of a checkpoint's history (its epochs' logs). */
export function recordsOf(history: CheckpointHistory): EpochRecord[] {
  return history.epoch.map((epoch, i) => recordOf(epoch, Object.fromEntries(Object.entries(history.history).map(([k, values]) => [k, values[i]]))));
}
