/*
 * The dropout mask is part of the Backend contract, not left to each backend:
 * unit i of a dropout call with seed s is dropped when dropoutUniform(s, i) <
 * rate. A counter-based hash (not a sequential stream) lets a multithreaded
 * backend compute any unit independently, and every backend gives the same
 * mask for the same seed, so a training run with Dropout repeats across
 * backends. Only 32-bit integer arithmetic is used, so JavaScript (Math.imul)
 * and C++ (uint32_t) compute identical bits.
 */

/** The murmur3 32-bit finalizer: a bijection on uint32 with full avalanche. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The per-call key from an integer seed (any sign, up to 2^53): both 32-bit halves count. */
export function dropoutKey(seed: number): number {
  const low = seed >>> 0;
  const high = Math.floor(seed / 4294967296) >>> 0;
  return fmix32(low ^ fmix32((high + 0x9e3779b9) >>> 0));
}

/** Uniform in [0, 1) on a 2^-24 grid for unit `index` under `key` (from dropoutKey). */
export function dropoutUniform(key: number, index: number): number {
  return (fmix32((Math.imul(index >>> 0, 0x9e3779b1) ^ key) >>> 0) >>> 8) / 16777216;
}
