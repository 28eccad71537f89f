/**
 * Thrown when a dataset's source files do not have the format the loader
 * verified when it was written: a record of the wrong length, a pixel out of
 * range, a label outside 0..9. `file` and `index` locate the bad record.
 */
export class DatasetFormatError extends Error {
  override name = 'DatasetFormatError';
  constructor(
    message: string,
    /** Absolute path of the file holding the bad record. */
    readonly file: string,
    /** Record index inside that file (0-based), or -1 when the whole file is wrong. */
    readonly index: number,
  ) {
    super(message);
  }
}

/** One malformed CSV row: its 1-based physical line number and what is wrong. */
export interface CsvProblem {
  line: number;
  message: string;
}

/**
 * Thrown by the CSV loader with every malformed row it found (not just the
 * first), so a file can be fixed in one pass. The message lists the first few.
 */
export class CsvFormatError extends Error {
  override name = 'CsvFormatError';
  constructor(
    message: string,
    readonly problems: readonly CsvProblem[],
  ) {
    super(message);
  }
}
