import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { DatasetFormatError } from './errors.js';
import { IMAGE_PIXELS, NUM_CLASSES, type ImageSourceSpec } from './image-sources.js';
import { parseClassFile } from './parse-records.js';

/** A whole image dataset in source order: class 0's file first, records in file order. */
export interface ImageSourceData {
  /** `count * 784` grey levels 0..255. */
  pixels: Uint8Array;
  /** Class of each record, 0..9. */
  labels: Uint8Array;
  count: number;
}

const require = createRequire(import.meta.url);

/** Absolute paths of the 10 class files, `0.json` .. `9.json`. */
export function classFiles(spec: ImageSourceSpec): string[] {
  const root = dirname(require.resolve(`${spec.packageName}/package.json`));
  return Array.from({ length: NUM_CLASSES }, (_, c) => join(root, spec.dir, `${c}.json`));
}

/**
 * Identifies the installed source: package name and version plus every class
 * file's size. A cache built from another version or another file is stale.
 */
export function sourceFingerprint(spec: ImageSourceSpec): Buffer {
  const pkg = require(`${spec.packageName}/package.json`) as { version?: unknown };
  const hash = createHash('sha256').update(`${spec.packageName}@${String(pkg.version)}\n`);
  for (const file of classFiles(spec)) hash.update(`${basename(file)}:${statSync(file).size}\n`);
  return hash.digest();
}

/** Reads, parses and validates all 10 class files (the slow path the cache avoids). */
export function readImageSource(spec: ImageSourceSpec): ImageSourceData {
  const total = spec.classCounts.reduce((a, b) => a + b, 0);
  const pixels = new Uint8Array(total * IMAGE_PIXELS);
  const labels = new Uint8Array(total);
  let offset = 0;
  classFiles(spec).forEach((file, label) => {
    const parsed = parseClassFile(spec.fn, file, readFileSync(file, 'utf8'), spec.encoding);
    if (parsed.count !== spec.classCounts[label]) {
      throw new DatasetFormatError(
        `${spec.fn}: ${file} must hold ${spec.classCounts[label]} images of class ${label}, received ${parsed.count}.`,
        file,
        -1,
      );
    }
    pixels.set(parsed.pixels, offset * IMAGE_PIXELS);
    labels.fill(label, offset, offset + parsed.count);
    offset += parsed.count;
  });
  return { pixels, labels, count: total };
}
