/*
 * Default layer and model names, in TensorFlow.js's scheme: a snake_case
 * prefix plus the class name and a per-class counter (`dense_Dense1`,
 * `batch_normalization_BatchNormalization2`). Saved weights are named
 * `<layer name>/<weight name>`, so matching tfjs names keeps files
 * interchangeable.
 */

const counters = new Map<string, number>();

/** `BatchNormalization` -> `batch_normalization`; `Conv2D` -> `conv2d`; `MaxPooling2D` -> `max_pooling2d`. */
export function toSnakeCase(name: string): string {
  return name
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .replace(/(\D)2D/g, '$12d')
    .toLowerCase();
}

/** camelCase -> snake_case for config keys (`kernelSize` -> `kernel_size`). */
export function camelToSnake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** snake_case -> camelCase for config keys (`moving_mean_initializer` -> `movingMeanInitializer`). */
export function snakeToCamel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Next counter value for a key, starting at 1. */
export function nextUid(key: string): number {
  const n = (counters.get(key) ?? 0) + 1;
  counters.set(key, n);
  return n;
}

/** A fresh default layer name: `dense_Dense1`, `dense_Dense2`, ... */
export function defaultLayerName(className: string): string {
  return `${toSnakeCase(className)}_${className}${nextUid(className)}`;
}

/** FNV-1a hash of a string: the deterministic seed of a named weight or dropout layer. */
export function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
