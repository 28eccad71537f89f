import { InvalidArgumentError, describeValue } from '@batchwise/core';
import type { LayersModel } from '@batchwise/layers';
import { writeFileAtomic } from '@batchwise/layers/node';
import { resolve } from 'node:path';
import { toOnnx, type ToOnnxOptions } from './to-onnx.js';

/**
 * Writes `toOnnx(model, options)` to `path` (Node) with @batchwise/layers'
 * atomic write: an exclusively created temporary file with a random name in
 * the same folder, flushed, then renamed over the target, so a crash leaves
 * the old file or the new one and a planted symbolic link is never written
 * through. The folder is created when missing; a failure is a FileError
 * naming the path.
 */
export async function saveOnnx(model: LayersModel, path: string, options: ToOnnxOptions = {}): Promise<{ path: string; bytes: number }> {
  if (typeof path !== 'string' || path.length === 0) throw new InvalidArgumentError(`saveOnnx: path must be a non-empty string, received ${describeValue(path)}.`);
  const bytes = toOnnx(model, options);
  const target = resolve(path);
  await writeFileAtomic(target, bytes, { fn: 'saveOnnx' });
  return { path: target, bytes: bytes.byteLength };
}
