/*
 * Output arrays of the native kernels. Every native kernel writes every
 * element of its outputs, so large outputs skip the zero fill of
 * `new Float32Array(n)`: V8 gets that memory from calloc, which clears it
 * first, one more full pass over memory per output. Measured on a
 * [64,28,28,32] addScalar (2 threads): 0.315 ms with calloc, 0.161 ms without.
 *
 * BATCHWISE_POISON_OUTPUTS=1 fills every output with NaN (argmax with -1)
 * instead; the tests run the whole conformance suite that way, so a kernel
 * that leaves an element unwritten fails there instead of returning stale memory.
 */

/** Below this many bytes V8's own zeroed allocation is as cheap (small arrays live on its heap). */
const UNINITIALIZED_FROM_BYTES = 4096;

const poison = process.env['BATCHWISE_POISON_OUTPUTS'] === '1';

/** `n` elements of `Kind`, uninitialised from UNINITIALIZED_FROM_BYTES on; `fill` when poisoning. */
function output<T extends Float32Array | Int32Array>(
  Kind: { new (n: number): T; new (buffer: ArrayBuffer, offset: number, n: number): T },
  n: number,
  fill: number,
): T {
  // allocUnsafeSlow never pools: the Buffer owns its whole ArrayBuffer from offset 0.
  const out = n * 4 < UNINITIALIZED_FROM_BYTES ? new Kind(n) : new Kind(Buffer.allocUnsafeSlow(n * 4).buffer as ArrayBuffer, 0, n);
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
