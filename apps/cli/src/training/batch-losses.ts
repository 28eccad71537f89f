import type { Callback, FitParams } from '@batchwise/layers';
import type { BatchLoss } from '../report/train-report.js';

/** A fit callback keeping every batch's loss for the report's per-batch curve (8 bytes x 4 per batch). */
export function recordBatchLosses(): { callback: Callback; records: BatchLoss[] } {
  const records: BatchLoss[] = [];
  let batches = 1;
  let epoch = 0;
  return {
    records,
    callback: {
      setParams: (p: FitParams) => void (batches = p.batches),
      onEpochBegin: (e: number) => void (epoch = e),
      onBatchEnd: (batch: number, logs: Record<string, number>) => void records.push({ epoch, batch, batches, loss: logs.loss }),
    },
  };
}
