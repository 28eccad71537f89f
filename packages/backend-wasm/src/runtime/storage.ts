import { Tensor, relocateTensor, trackStorage, type TensorStorage } from '@batchwise/core';
import type { WasmRuntime } from './runtime.js';

/*
 * Tensors of the wasm backend live in its linear memory: a heap block per
 * tensor (csrc/runtime/heap.cc), handed out as a TensorStorage whose view
 * `Tensor.data` reads. The view is taken anew when the memory's ArrayBuffer
 * changed (a grown unshared memory detaches the old one; a grown shared
 * memory keeps it valid), so growing never invalidates a live tensor. A block
 * goes back to the heap when its tensor is disposed or its tidy scope ends,
 * or, as a safety net, when the tensor is garbage-collected.
 */

const EMPTY = new Float32Array(0);

/** What a released storage's view is: empty over a detached buffer, as a disposed pool buffer reads. */
const RELEASED = ((): Float32Array => {
  const buffer = new ArrayBuffer(0);
  const view = new Float32Array(buffer);
  structuredClone(buffer, { transfer: [buffer] });
  return view;
})();

const orphans = new FinalizationRegistry<{ rt: WasmRuntime; ptr: number }>(({ rt, ptr }) => rt.free(ptr));

export class WasmStorage implements TensorStorage {
  private current: Float32Array;
  private released = false;

  constructor(
    readonly rt: WasmRuntime,
    /** Byte address of the block (0 for an empty tensor, which has none). */
    readonly ptr: number,
    /** Elements (4 bytes each). */
    readonly length: number,
  ) {
    this.current = length === 0 ? EMPTY : new Float32Array(rt.buffer, ptr, length);
    if (ptr !== 0) orphans.register(this, { rt, ptr }, this);
  }

  view(): Float32Array {
    if (this.current.buffer !== this.rt.buffer && !this.released && this.length > 0) {
      this.current = new Float32Array(this.rt.buffer, this.ptr, this.length);
    }
    return this.current;
  }

  /** The same block as 32-bit integers (maxPool's argmax). */
  int32View(): Int32Array {
    return this.released || this.length === 0 ? new Int32Array(0) : new Int32Array(this.rt.buffer, this.ptr, this.length);
  }

  get isReleased(): boolean {
    return this.released;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.current = RELEASED;
    if (this.ptr !== 0) {
      orphans.unregister(this);
      this.rt.free(this.ptr);
    }
  }
}

/** A block of `length` float32 elements for a kernel output, tracked by tidy/dispose; contents unset. */
export function outputStorage(rt: WasmRuntime, fn: string, length: number): WasmStorage {
  const s = new WasmStorage(rt, length === 0 ? 0 : rt.alloc(fn, length * 4), length);
  trackStorage(s);
  return s;
}

/** A fresh tensor over a new output block. */
export function outputTensor(rt: WasmRuntime, fn: string, shape: readonly number[]): { tensor: Tensor; storage: WasmStorage } {
  let n = 1;
  for (const d of shape) n *= d;
  const storage = outputStorage(rt, fn, n);
  return { tensor: new Tensor(storage, shape), storage };
}

// Arrays already copied in, so that tensors sharing one (reshapes of a
// tensor made elsewhere) move to the same block and stay aliases.
const adopted = new WeakMap<Float32Array, WasmStorage>();

/**
 * The block holding `t`: its own when this runtime made it; otherwise the
 * tensor is moved into this memory now (one copy, on first use), so later
 * calls and in-place updates find it here without copying again.
 */
export function storageOf(rt: WasmRuntime, fn: string, t: Tensor): WasmStorage {
  const s = t.storage;
  if (s instanceof WasmStorage && s.rt === rt) return s;
  const data = t.data;
  const known = adopted.get(data);
  if (known !== undefined && known.rt === rt && !known.isReleased && known.length === data.length) {
    relocateTensor(t, known);
    return known;
  }
  const storage = new WasmStorage(rt, data.length === 0 ? 0 : rt.alloc(fn, data.length * 4), data.length);
  storage.view().set(data);
  adopted.set(data, storage);
  relocateTensor(t, storage);
  rt.movedIn.tensors++;
  rt.movedIn.bytes += data.length * 4;
  return storage;
}

// maxPool's argmax arrays and the blocks they came from, so that the backward pass reads the block in place.
const argmaxBlocks = new WeakMap<Int32Array, WasmStorage>();

/**
 * A block for maxPool's argmax. With shared memory the caller gets a view of
 * it (valid however the memory grows); an unshared memory may detach views
 * when it grows, so there the caller gets a copy, which the backward pass
 * still maps to the block without copying it back in.
 */
export function argmaxOutput(rt: WasmRuntime, fn: string, length: number): { storage: WasmStorage; handOut(): Int32Array } {
  const storage = outputStorage(rt, fn, length);
  return {
    storage,
    handOut(): Int32Array {
      const view = storage.int32View();
      const out = rt.threaded ? view : view.slice();
      argmaxBlocks.set(out, storage);
      trackStorage(storage, out);
      return out;
    },
  };
}

/**
 * The block holding an int32 input for one call: maxPool's argmax in place
 * when this backend made it, anything else (gather's indices, an argmax from
 * another backend) copied into a temporary block that `done` frees.
 */
export function int32Input(rt: WasmRuntime, fn: string, array: Int32Array): { storage: WasmStorage; done(): void } {
  const known = argmaxBlocks.get(array);
  if (known !== undefined && known.rt === rt && !known.isReleased) return { storage: known, done: () => {} };
  const storage = new WasmStorage(rt, array.length === 0 ? 0 : rt.alloc(fn, array.length * 4), array.length);
  storage.int32View().set(array);
  return { storage, done: () => storage.release() };
}
