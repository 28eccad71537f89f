import { MODEL_LIMITS } from '@batchwise/layers';
import { CliError } from './errors.js';

/*
 * Size limits on what a file given to the CLI may make it allocate (the
 * layers README, "Safety"). Each can be raised through the environment for a
 * model or image that really is that large.
 */

export const LIMIT_DEFAULTS = {
  /** Parameters of a model loaded or built from a file (@batchwise/layers' default). */
  maxParameters: MODEL_LIMITS.maxParameters,
  /** Pixels of a PNG given to `predict --image`: 4096 x 4096. The decoded RGBA takes 4 bytes per pixel. */
  maxImagePixels: 4096 * 4096,
  /** Bytes of a PNG file: enough for 4096 x 4096 RGBA stored uncompressed. */
  maxImageBytes: 80 * 1024 * 1024,
  /** Bytes of a CSV file for `predict --csv`. */
  maxCsvBytes: 512 * 1024 * 1024,
} as const;

export const LIMIT_VARIABLES = {
  maxParameters: 'BATCHWISE_MAX_PARAMETERS',
  maxImagePixels: 'BATCHWISE_MAX_IMAGE_PIXELS',
  maxImageBytes: 'BATCHWISE_MAX_IMAGE_BYTES',
  maxCsvBytes: 'BATCHWISE_MAX_CSV_BYTES',
} as const;

export type LimitName = keyof typeof LIMIT_DEFAULTS;

/** The limit in force: the environment variable when set (a positive decimal integer), else the default. */
export function limit(name: LimitName, env: NodeJS.ProcessEnv = process.env): number {
  const variable = LIMIT_VARIABLES[name];
  const raw = env[variable];
  if (raw === undefined || raw === '') return LIMIT_DEFAULTS[name];
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < 1) throw new CliError(`${variable} must be a positive integer, received '${raw}'`);
  return n;
}

/** How to raise a limit, for messages. */
export function raiseHint(name: LimitName): string {
  return `set ${LIMIT_VARIABLES[name]} to raise it`;
}
