import { DatasetFormatError } from './errors.js';
import { IMAGE_PIXELS, type PixelEncoding } from './image-sources.js';

/** One class file decoded to 8-bit grey levels, record order kept. */
export interface ParsedClassFile {
  /** `count * 784` grey levels 0..255, row-major 28x28 per record. */
  pixels: Uint8Array;
  count: number;
  /** Indices of empty records that were skipped (fashion-mnist `0.json` has two). */
  skipped: number[];
}

/*
 * mnist stores k/255 rounded to 3 decimals, so 255*v lies within
 * 255 * 0.0005 = 0.1275 of the integer k. Accepting only that keeps the
 * uint8 cache lossless and rejects values that are not grey levels at all.
 */
const GRID_TOLERANCE = 0.1275 + 1e-9;

/** Parses one class file of the given encoding; every value is checked. */
export function parseClassFile(fn: string, file: string, text: string, encoding: PixelEncoding): ParsedClassFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new DatasetFormatError(`${fn}: ${file} must be valid JSON, received a parse error (${(e as Error).message}).`, file, -1);
  }
  const data = (json as { data?: unknown } | null)?.data;
  if (typeof json !== 'object' || json === null || !Array.isArray(data)) {
    throw new DatasetFormatError(`${fn}: ${file} must hold an object with a 'data' array, received ${describeTop(json)}.`, file, -1);
  }
  return encoding === 'flat-unit' ? parseFlatUnit(fn, file, data) : parseNestedBytes(fn, file, data);
}

function parseFlatUnit(fn: string, file: string, data: unknown[]): ParsedClassFile {
  if (data.length % IMAGE_PIXELS !== 0) {
    const index = Math.floor(data.length / IMAGE_PIXELS);
    throw new DatasetFormatError(
      `${fn}: record ${index} of ${file} must have ${IMAGE_PIXELS} values, received ${data.length % IMAGE_PIXELS} (the flat 'data' array has ${data.length} values, not a multiple of ${IMAGE_PIXELS}).`,
      file,
      index,
    );
  }
  const pixels = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    const k = typeof v === 'number' ? Math.round(v * 255) : NaN;
    if (typeof v !== 'number' || !(v >= 0 && v <= 1) || Math.abs(v * 255 - k) > GRID_TOLERANCE) {
      const index = Math.floor(i / IMAGE_PIXELS);
      throw new DatasetFormatError(
        `${fn}: pixel ${i % IMAGE_PIXELS} of record ${index} in ${file} must be a grey level k/255 in [0, 1] (3 decimals), received ${JSON.stringify(v)}.`,
        file,
        index,
      );
    }
    pixels[i] = k;
  }
  return { pixels, count: data.length / IMAGE_PIXELS, skipped: [] };
}

function parseNestedBytes(fn: string, file: string, data: unknown[]): ParsedClassFile {
  const skipped: number[] = [];
  const pixels = new Uint8Array(data.length * IMAGE_PIXELS);
  let count = 0;
  for (let r = 0; r < data.length; r++) {
    const record = data[r];
    // Empty arrays are gaps in the package data, not images: skip, but count
    // them so the per-class total check still catches a lost record.
    if (Array.isArray(record) && record.length === 0) {
      skipped.push(r);
      continue;
    }
    if (!Array.isArray(record) || record.length !== IMAGE_PIXELS) {
      const got = Array.isArray(record) ? `${record.length} values` : describeTop(record);
      throw new DatasetFormatError(`${fn}: record ${r} of ${file} must have ${IMAGE_PIXELS} values, received ${got}.`, file, r);
    }
    const base = count * IMAGE_PIXELS;
    for (let p = 0; p < IMAGE_PIXELS; p++) {
      const v = record[p];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 255) {
        throw new DatasetFormatError(
          `${fn}: pixel ${p} of record ${r} in ${file} must be an integer in [0, 255], received ${JSON.stringify(v)}.`,
          file,
          r,
        );
      }
      pixels[base + p] = v;
    }
    count++;
  }
  return { pixels: pixels.subarray(0, count * IMAGE_PIXELS), count, skipped };
}

function describeTop(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return `an object with keys [${Object.keys(v as object).join(',')}]`;
  return `${typeof v} ${JSON.stringify(v)}`;
}
