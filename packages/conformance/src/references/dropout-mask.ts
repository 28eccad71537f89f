/*
 * The dropout mask contract of @batchwise/core (dropout-mask.ts), written
 * again independently with BigInt arithmetic: unit i is dropped when
 * fmix32((i * 0x9e3779b1) ^ key) >> 8, scaled by 2^-24, is below rate, with
 * key = fmix32(low32(seed) ^ fmix32(high32(seed) + 0x9e3779b9)).
 */

const M32 = 0xffffffffn;

function fmix32(h: bigint): bigint {
  h ^= h >> 16n;
  h = (h * 0x85ebca6bn) & M32;
  h ^= h >> 13n;
  h = (h * 0xc2b2ae35n) & M32;
  h ^= h >> 16n;
  return h;
}

/** 1 where the contract keeps unit i, 0 where it drops it. */
export function refDropoutKeep(seed: number, size: number, rate: number): Uint8Array {
  const s = BigInt.asUintN(64, BigInt(seed));
  const key = fmix32((s & M32) ^ fmix32(((s >> 32n) + 0x9e3779b9n) & M32));
  const keep = new Uint8Array(size);
  for (let i = 0; i < size; i++) {
    const u = Number(fmix32(((BigInt(i) * 0x9e3779b1n) & M32) ^ key) >> 8n) / 16777216;
    keep[i] = u < rate ? 0 : 1;
  }
  return keep;
}
