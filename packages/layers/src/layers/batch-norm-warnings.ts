import { warn } from '../engine/warnings.js';

/**
 * Below this many values per feature (batch × positions, e.g. a Dense layer's batch size) a training
 * batch's statistics are called too small: the relative standard error of a variance estimated from
 * n normal values is sqrt(2 / (n - 1)), 53% at n = 8 and 100% at n = 3.
 */
export const SMALL_BATCH_VALUES = 8;

/** Warns once per layer and kind when training batches are too small for meaningful statistics. */
export class SmallBatchWarnings {
  private warnedOne = false;
  private warnedSmall = false;

  constructor(private readonly label: string) {}

  /**
   * `count` values per feature behind the batch statistics. A layer that asked for small groups
   * (ghost batches) or corrects for them (renorm) is warned only about one value per feature.
   */
  check(count: number, deliberate: boolean): void {
    if (count <= 1) {
      if (this.warnedOne) return;
      this.warnedOne = true;
      warn(
        `${this.label}: training batch has 1 value per feature (batch of one, no spatial extent); ` +
          'the output is beta (x - mean = 0) and the moving statistics are left unchanged. Use a batch of 2 or more.',
      );
      return;
    }
    if (count >= SMALL_BATCH_VALUES || deliberate || this.warnedSmall) return;
    this.warnedSmall = true;
    warn(
      `${this.label}: training batch has ${count} values per feature, fewer than ${SMALL_BATCH_VALUES}; ` +
        'statistics from so few values are noisy, so each output depends strongly on the other samples of its batch and the moving ' +
        'statistics follow that noise. Use a larger batch, batch renormalization (renorm: true) or GroupNormalization.',
    );
  }
}
