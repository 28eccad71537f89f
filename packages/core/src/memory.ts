import { InvalidArgumentError } from './errors.js';
import { Tensor, moveTensorStorage, type TensorStorage } from './tensor.js';

/*
 * Kernel outputs that go back to a pool instead of waiting for the garbage
 * collector. Tensors are plain typed arrays, so their memory is freed only
 * when V8 collects them; a training step that allocates megabytes per layer
 * then writes every output into memory it has not touched for a while (cold
 * in cache, sometimes not yet faulted in), while last step's identical
 * buffers sit dead. `tidy` and `dispose` hand such buffers back, and backends
 * take their next outputs from here.
 *
 * Safety comes from detaching: a released buffer is transferred
 * (`structuredClone` with `transfer`, no copy), so every view of the old
 * ArrayBuffer, the released tensor's `data` included, now has length 0. A
 * tensor used after its release fails validation with a clear error instead
 * of reading memory that another tensor now owns.
 *
 * Only buffers a backend allocated through `outputBuffer` are ever recycled:
 * user arrays, views into larger buffers and small arrays (below
 * POOLED_FROM_BYTES, where V8's own allocation is as cheap) are left alone.
 *
 * A backend that keeps tensors in memory of its own (`TensorStorage`, e.g. a
 * WebAssembly memory) registers each one with `trackStorage`: `dispose` and
 * `tidy` then call its `release` instead of detaching an ArrayBuffer, and the
 * backend reuses that memory itself.
 */

/** Smaller buffers are not pooled or tracked. */
export const POOLED_FROM_BYTES = 4096;

const DEFAULT_LIMIT_BYTES = 512 * 1024 * 1024;

/** What one release frees: an ArrayBuffer from `outputBuffer`, or a backend's storage. */
type MemoryKey = ArrayBuffer | TensorStorage;

/** Buffers batchwise allocated for kernel outputs, and tracked storage: only these may be released. */
const owned = new WeakSet<MemoryKey>();
/** Released buffers by byte length, most recently released last (warmest in cache). */
const free = new Map<number, ArrayBuffer[]>();
/** Buffers allocated inside each open `tidy`, innermost last. */
const scopes: Set<MemoryKey>[] = [];
/** Buffers an asynchronous kernel is still reading or writing, with how many such calls. */
const held = new Map<MemoryKey, number>();
/** Held buffers whose release was asked for: released when the last hold ends. */
const deferred = new Set<MemoryKey>();
/** Typed arrays (not tensors) over tracked storage, such as a backend's maxPool argmax. */
const viewStorage = new WeakMap<ArrayBufferView, TensorStorage>();

let pooledBytes = 0;
let limitBytes = DEFAULT_LIMIT_BYTES;
let reused = 0;
let allocated = 0;

export interface MemoryInfo {
  /** Bytes held for reuse. */
  pooledBytes: number;
  /** Buffers held for reuse. */
  pooledBuffers: number;
  /** Most bytes the pool holds; beyond it released buffers go to the garbage collector. */
  limitBytes: number;
  /** Outputs served from the pool since load. */
  reused: number;
  /** Outputs newly allocated through the pool since load. */
  allocated: number;
  /** Open `tidy` scopes. */
  scopes: number;
}

export function memory(): MemoryInfo {
  let buffers = 0;
  for (const list of free.values()) buffers += list.length;
  return { pooledBytes, pooledBuffers: buffers, limitBytes, reused, allocated, scopes: scopes.length };
}

/** Caps the pool (0 turns reuse off; released buffers are still detached). */
export function setMemoryPoolLimit(bytes: number): void {
  if (!Number.isSafeInteger(bytes) || bytes < 0) {
    throw new InvalidArgumentError(`setMemoryPoolLimit: bytes must be a non-negative integer, received ${String(bytes)}.`);
  }
  limitBytes = bytes;
  trimTo(limitBytes);
}

/** Empties the pool; its buffers go to the garbage collector. */
export function clearMemoryPool(): void {
  trimTo(0);
}

function trimTo(bytes: number): void {
  // Drop the largest sizes first: they are the cheapest to allocate again per byte.
  const sizes = [...free.keys()].sort((a, b) => b - a);
  for (const size of sizes) {
    const list = free.get(size) as ArrayBuffer[];
    while (pooledBytes > bytes && list.length > 0) {
      list.shift();
      pooledBytes -= size;
    }
    if (list.length === 0) free.delete(size);
    if (pooledBytes <= bytes) return;
  }
}

/**
 * An ArrayBuffer of `byteLength` bytes for a kernel output: a released one of
 * that size when the pool has it (`recycled`: its contents are stale), else
 * `create(byteLength)`. Inside `tidy` the buffer is tracked and released when
 * the scope ends unless the scope returns it.
 */
export function outputBuffer(byteLength: number, create: (byteLength: number) => ArrayBuffer): { buffer: ArrayBuffer; recycled: boolean } {
  if (byteLength < POOLED_FROM_BYTES) return { buffer: create(byteLength), recycled: false };
  const list = free.get(byteLength);
  let buffer = list?.pop();
  const recycled = buffer !== undefined;
  if (buffer !== undefined) {
    pooledBytes -= byteLength;
    reused++;
  } else {
    buffer = create(byteLength);
    if (buffer.byteLength !== byteLength) throw new Error(`outputBuffer: create returned ${buffer.byteLength} bytes, expected ${byteLength}.`);
    owned.add(buffer);
    allocated++;
  }
  scopes[scopes.length - 1]?.add(buffer);
  return { buffer, recycled };
}

/** A zero-filled Float32Array of `n` elements for a kernel output (the portable allocator). */
export function outputFloat32(n: number): Float32Array {
  const { buffer, recycled } = outputBuffer(n * 4, (bytes) => new ArrayBuffer(bytes));
  const out = new Float32Array(buffer);
  if (recycled) out.fill(0);
  return out;
}

/**
 * Marks the memory of `value` (tensors, typed arrays, arrays and objects of
 * them) as in use by a computation that outlives this call, such as a kernel
 * running on another thread; returns the function that ends the hold. A
 * `dispose` or `tidy` that would release held memory waits until the last
 * hold on it ends, so a worker never writes into memory handed to another tensor.
 */
export function hold(value: unknown): () => void {
  const buffers = buffersIn(value).filter((b) => owned.has(b));
  for (const b of buffers) held.set(b, (held.get(b) ?? 0) + 1);
  let ended = false;
  return () => {
    if (ended) return;
    ended = true;
    for (const b of buffers) {
      const n = (held.get(b) ?? 1) - 1;
      if (n > 0) {
        held.set(b, n);
        continue;
      }
      held.delete(b);
      if (deferred.delete(b)) release(b);
    }
  };
}

/**
 * Registers backend-managed storage of a new tensor with the pool: released by
 * `dispose` of a tensor over it, and at the end of the enclosing `tidy` unless
 * the scope returns or `keep`s such a tensor. `view`, when given, is a typed
 * array over the same memory handed out without a tensor (maxPool's argmax):
 * disposing, keeping or returning it counts as the storage's.
 */
export function trackStorage(storage: TensorStorage, view?: ArrayBufferView): void {
  owned.add(storage);
  if (view !== undefined) viewStorage.set(view, storage);
  scopes[scopes.length - 1]?.add(storage);
}

/**
 * Moves a tensor's data into `storage` (already holding the same values), the
 * way a backend adopts a tensor made by another one: later calls find it in the
 * backend's memory and in-place updates land there. The storage is released
 * with the tensor (`dispose`) and by every open `tidy` that would have released
 * the old memory. Other tensors over the old array keep it.
 */
export function relocateTensor(t: Tensor, storage: TensorStorage): void {
  const old = keyOf(t);
  moveTensorStorage('relocateTensor', t, storage);
  owned.add(storage);
  for (const scope of scopes) if (scope.has(old)) scope.add(storage);
}

/** Releases `key`: calls a storage's `release`, or detaches a buffer and keeps its memory for reuse. False when batchwise does not own it. */
function release(key: MemoryKey): boolean {
  const step = beginRelease(key);
  if (step instanceof ArrayBuffer) poolDetached([step]);
  return step !== false;
}

/** `release` for many keys, with one detach for all their buffers (the detach costs about as much as a small kernel). */
function releaseAll(keys: Iterable<MemoryKey>): void {
  let buffers: ArrayBuffer[] | null = null;
  let failed = false;
  let error: unknown;
  for (const key of keys) {
    try {
      const step = beginRelease(key);
      if (step instanceof ArrayBuffer) (buffers ??= []).push(step);
    } catch (e) {
      // A storage whose release threw stops nothing else: every other key is still released, then the error.
      if (!failed) error = e;
      failed = true;
    }
  }
  if (buffers !== null) poolDetached(buffers);
  if (failed) throw error;
}

/**
 * Everything of a release but the detach: false when batchwise does not own `key`, true when
 * it is done (a held buffer deferred, a storage released), or the buffer left to detach.
 */
function beginRelease(key: MemoryKey): boolean | ArrayBuffer {
  if (!owned.has(key)) return false;
  if (key instanceof ArrayBuffer && key.byteLength === 0) return false;
  for (const scope of scopes) scope.delete(key);
  if (held.has(key)) {
    deferred.add(key);
    return true;
  }
  if (!(key instanceof ArrayBuffer)) {
    owned.delete(key);
    key.release();
    return true;
  }
  owned.delete(key);
  return key;
}

/** Detaches the buffers (every view of them becomes empty) and pools their memory, up to the limit. */
function poolDetached(buffers: ArrayBuffer[]): void {
  const moved = structuredClone(buffers, { transfer: buffers });
  for (const buffer of moved) {
    const size = buffer.byteLength;
    if (size > limitBytes) continue;
    owned.add(buffer);
    const list = free.get(size) ?? [];
    list.push(buffer);
    free.set(size, list);
    pooledBytes += size;
    if (pooledBytes > limitBytes) trimTo(limitBytes);
  }
}

type Disposable = Tensor | ArrayBufferView | null | undefined | readonly Disposable[] | { readonly [key: string]: unknown };

/**
 * Releases the memory of tensors (and typed arrays, arrays of them, plain
 * objects holding them, such as a kernel's result) that a backend allocated.
 * Every view of that memory, reshaped tensors included, becomes empty; using
 * one afterwards is an error. Memory batchwise did not allocate is left to
 * the garbage collector.
 */
export function dispose(value: Disposable): void {
  releaseAll(buffersIn(value));
}

/** Stops every open `tidy` from releasing these tensors' memory (as tf.keep); returns the value. `dispose` still can. */
export function keep<T extends Disposable>(value: T): T {
  for (const buffer of buffersIn(value)) for (const scope of scopes) scope.delete(buffer);
  return value;
}

/**
 * Runs `fn` and then releases every output buffer allocated during it, except
 * the ones reachable from its result (tensors, typed arrays, and arrays, Maps
 * and plain objects of them) or passed to `keep`; those move to the enclosing
 * scope. If `fn` throws, everything it allocated is released. `fn` must be
 * synchronous: a Promise could still be using the memory when the scope ends.
 */
export function tidy<T>(fn: () => T): T {
  const scope = new Set<MemoryKey>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    popAndRelease(scope, new Set());
    throw e;
  }
  if (isThenable(result)) {
    popAndRelease(scope, new Set());
    throw new InvalidArgumentError('tidy: fn returned a Promise; tidy needs a synchronous function (await inside it would outlive the scope).');
  }
  popAndRelease(scope, new Set(buffersIn(result)));
  return result;
}

function isThenable(v: unknown): boolean {
  return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as { then?: unknown }).then === 'function';
}

function popAndRelease(scope: Set<MemoryKey>, kept: Set<MemoryKey>): void {
  scopes.pop();
  const outer = scopes[scopes.length - 1];
  const released: MemoryKey[] = [];
  for (const buffer of scope) {
    if (kept.has(buffer)) outer?.add(buffer);
    else released.push(buffer);
  }
  releaseAll(released);
}

/** What releasing `t` frees: its storage, or the ArrayBuffer under its data. */
function keyOf(t: Tensor): MemoryKey {
  return t.storage ?? (t.data.buffer as ArrayBuffer);
}

/** Every ArrayBuffer and storage under `value`, walking arrays, Maps, Sets and plain objects once each. */
function buffersIn(value: unknown): MemoryKey[] {
  const found: MemoryKey[] = [];
  const seen = new Set<object>();
  const visit = (v: unknown): void => {
    if (v === null || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (v instanceof Tensor) {
      found.push(keyOf(v));
    } else if (ArrayBuffer.isView(v)) {
      found.push(viewStorage.get(v) ?? (v.buffer as ArrayBuffer));
    } else if (Array.isArray(v) || v instanceof Set) {
      for (const item of v) visit(item);
    } else if (v instanceof Map) {
      for (const item of v.values()) visit(item);
    } else if (Object.getPrototypeOf(v) === Object.prototype) {
      for (const item of Object.values(v)) visit(item);
    }
  };
  visit(value);
  return found;
}
