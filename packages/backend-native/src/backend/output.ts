import { POOLED_FROM_BYTES, outputBuffer } from '@batchwise/core';

/*
 * Output arrays of the native kernels, uninitialised. From POOLED_FROM_BYTES on
 * they come from core's pool (`outputBuffer`): a buffer released by `dispose`
 * or `tidy` is reused, still warm in cache and already faulted in; smaller ones
 * are views into a 64 KiB slab (a long-lived one keeps its slab alive).
 * Every native kernel writes every element of its outputs, so outputs skip
 * the zero fill of `new Float32Array(n)`: V8 gets that memory from calloc,
 * which clears it first, one more full pass over memory per output, which
 * about doubled the time of a cheap elementwise kernel (docs/backend-native/design.md).
 *
 * BATCHWISE_POISON_OUTPUTS=1 fills every output with NaN (argmax with -1)
 * instead; the tests run the whole conformance suite that way, so a kernel
 * that leaves an element unwritten fails there instead of returning stale memory.
 */

const poison = process.env['BATCHWISE_POISON_OUTPUTS'] === '1';

// Small outputs are carved from a slab of our own, as Buffer.allocUnsafe carves
// Node's (uninitialised, 8-byte aligned), without the Buffer object it made per
// call only to reach its ArrayBuffer; 64 KiB, as a new slab (an external
// backing store) every few calls of a batch of one showed in its profile.
const SLAB_BYTES = 65536;
let slab: ArrayBuffer = Buffer.allocUnsafeSlow(SLAB_BYTES).buffer as ArrayBuffer;
let slabOffset = 0;

/** Byte offset of `bytes` uninitialised bytes in `slab` (a new slab when this one is full). */
function slabBytes(bytes: number): number {
  if (slabOffset + bytes > SLAB_BYTES) {
    slab = Buffer.allocUnsafeSlow(SLAB_BYTES).buffer as ArrayBuffer;
    slabOffset = 0;
  }
  const at = slabOffset;
  slabOffset += (bytes + 7) & ~7;
  return at;
}

/** A pooled ArrayBuffer of `bytes` (POOLED_FROM_BYTES and up). */
function pooledBuffer(bytes: number): ArrayBuffer {
  // allocUnsafeSlow never pools: the Buffer owns its whole ArrayBuffer from offset 0.
  return outputBuffer(bytes, (b) => Buffer.allocUnsafeSlow(b).buffer as ArrayBuffer).buffer;
}

/** A Float32Array of `n` elements for a kernel to overwrite completely. */
export function outputF32(n: number): Float32Array {
  const bytes = n * 4;
  // A view into the slab below POOLED_FROM_BYTES (a long-lived one keeps its 8 KiB slab
  // alive): a new backing store per small array (calloc plus the collector's external-memory
  // bookkeeping) cost several times the kernel itself at small batch. Uninitialised as above.
  const out = bytes < POOLED_FROM_BYTES ? new Float32Array(slab, slabBytes(bytes), n) : new Float32Array(pooledBuffer(bytes), 0, n);
  if (poison) out.fill(Number.NaN);
  return out;
}

/** An Int32Array of `n` elements for a kernel to overwrite completely. */
export function outputI32(n: number): Int32Array {
  const bytes = n * 4;
  const out = bytes < POOLED_FROM_BYTES ? new Int32Array(slab, slabBytes(bytes), n) : new Int32Array(pooledBuffer(bytes), 0, n);
  if (poison) out.fill(-1);
  return out;
}

/** Whether outputs are NaN-filled for testing (BATCHWISE_POISON_OUTPUTS=1). */
export function outputsPoisoned(): boolean {
  return poison;
}
