import { POOLED_FROM_BYTES, outputBuffer } from '@batchwise/core';

/*
 * Output arrays of the native kernels, uninitialised. From POOLED_FROM_BYTES on
 * they come from core's pool (`outputBuffer`): a buffer released by `dispose`
 * or `tidy` is reused, still warm in cache and already faulted in; smaller ones
 * are views into Node's shared Buffer slab (a long-lived one keeps its 8 KiB
 * slab alive). Every native kernel writes every element of its outputs, so
 * outputs skip the zero fill of
 * `new Float32Array(n)`: V8 gets that memory from calloc, which clears it
 * first, one more full pass over memory per output, which about doubled the
 * time of a cheap elementwise kernel (docs/backend-native/design.md).
 *
 * BATCHWISE_POISON_OUTPUTS=1 fills every output with NaN (argmax with -1)
 * instead; the tests run the whole conformance suite that way, so a kernel
 * that leaves an element unwritten fails there instead of returning stale memory.
 */

const poison = process.env['BATCHWISE_POISON_OUTPUTS'] === '1';

/** `n` uninitialised elements of `Kind` (pooled from POOLED_FROM_BYTES on, else a slab view); `fill` when poisoning. */
function output<T extends Float32Array | Int32Array>(
  Kind: { new (n: number): T; new (buffer: ArrayBuffer, offset: number, n: number): T },
  n: number,
  fill: number,
): T {
  let out: T;
  if (n * 4 < POOLED_FROM_BYTES) {
    // A view into Node's shared slab (Buffer.allocUnsafe below Buffer.poolSize / 2, 8-byte
    // aligned): a new backing store per small array (calloc plus the collector's external-memory
    // bookkeeping) cost several times the kernel itself at small batch. Uninitialised as below.
    const b = Buffer.allocUnsafe(n * 4);
    out = b.byteOffset % 4 === 0 ? new Kind(b.buffer as ArrayBuffer, b.byteOffset, n) : new Kind(n);
  } else {
    // allocUnsafeSlow never pools: the Buffer owns its whole ArrayBuffer from offset 0.
    const { buffer } = outputBuffer(n * 4, (bytes) => Buffer.allocUnsafeSlow(bytes).buffer as ArrayBuffer);
    out = new Kind(buffer, 0, n);
  }
  if (poison) out.fill(fill);
  return out;
}

/** A Float32Array of `n` elements for a kernel to overwrite completely. */
export function outputF32(n: number): Float32Array {
  return output(Float32Array, n, Number.NaN);
}

/** An Int32Array of `n` elements for a kernel to overwrite completely. */
export function outputI32(n: number): Int32Array {
  return output(Int32Array, n, -1);
}

/** Whether outputs are NaN-filled for testing (BATCHWISE_POISON_OUTPUTS=1). */
export function outputsPoisoned(): boolean {
  return poison;
}
