import { InvalidArgumentError, describeValue } from '@batchwise/core';
import type { LayersModel } from '@batchwise/layers';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { toOnnx, type ToOnnxOptions } from './to-onnx.js';

let tempCounter = 0;

/**
 * Writes `toOnnx(model, options)` to `path` (Node), through a temporary file
 * in the same folder renamed over the target: a crash leaves the old file or
 * the new one, never half of one. The folder is created when missing.
 */
export async function saveOnnx(model: LayersModel, path: string, options: ToOnnxOptions = {}): Promise<{ path: string; bytes: number }> {
  if (typeof path !== 'string' || path.length === 0) throw new InvalidArgumentError(`saveOnnx: path must be a non-empty string, received ${describeValue(path)}.`);
  const bytes = toOnnx(model, options);
  const target = resolve(path);
  const dir = dirname(target);
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.${basename(target)}.${process.pid}.${tempCounter++}.tmp`);
  try {
    await writeFile(temp, bytes);
    await rename(temp, target);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
  return { path: target, bytes: bytes.byteLength };
}
