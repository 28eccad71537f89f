import { ERROR_KIND, wasiStubs, type WasmExports } from './exports.js';
import { host, type WorkerPool } from './host.js';
import { loadModule, type Manifest } from './module.js';

/*
 * One instance of the module on its linear memory, shared by every backend
 * object of the same kind in the process (as the native addon's one thread
 * pool is). The threaded runtime uses shared memory, which never detaches a
 * view when it grows; the single-threaded one grows an ordinary memory, which
 * detaches the old ArrayBuffer, so views are taken anew after every call that
 * could have grown it (`buffer`, compared by the storage views).
 */
export class WasmRuntime {
  readonly exports: WasmExports;
  readonly memory: WebAssembly.Memory;
  readonly manifest: Manifest;
  readonly threaded: boolean;
  /** Why the runtime is single-threaded, or null. */
  readonly singleThreadedReason: string | null;
  /** memory.buffer as of the last call into the module. */
  buffer: ArrayBufferLike;
  /** Tensors made elsewhere that were copied into this memory (once each), and their bytes. */
  readonly movedIn = { tensors: 0, bytes: 0 };
  private readonly stackPointer: WebAssembly.Global;
  private readonly pool: WorkerPool | null;
  private bytes: Uint8Array;

  /** Most bytes the memory may grow to. */
  readonly limitBytes: number;

  private constructor(threaded: boolean, reason: string | null, limitPages: number) {
    const { module, manifest } = loadModule(threaded);
    this.manifest = manifest;
    this.threaded = threaded;
    this.singleThreadedReason = reason;
    this.limitBytes = limitPages * PAGE;
    this.memory = new WebAssembly.Memory({ initial: manifest.initialPages, maximum: limitPages, shared: threaded });
    const instance = new WebAssembly.Instance(module, { env: { memory: this.memory }, ...wasiStubs(module) });
    this.exports = instance.exports as unknown as WasmExports;
    this.exports.__wasm_call_ctors();
    this.stackPointer = this.exports.__stack_pointer;
    this.buffer = this.memory.buffer;
    this.bytes = new Uint8Array(this.buffer);
    this.pool = threaded ? host().createPool(module, this.memory, this) : null;
    // Node's main thread and a Web Worker may sleep in Atomics.wait while workers finish; a page's main thread polls.
    this.exports.bw_set_caller_can_block(host().callerCanBlock() ? 1 : 0);
  }

  /**
   * The threaded runtime where shared memory and workers exist, else the
   * single-threaded one (unless told otherwise); one per kind and memory limit.
   */
  static get(sharedMemory: boolean | undefined, limitBytes: number | undefined): WasmRuntime {
    const unavailable = host().sharedMemoryUnavailable();
    if (sharedMemory === true && unavailable !== null) throw new Error(`wasm: threads were asked for, but ${unavailable}.`);
    const threaded = sharedMemory !== false && unavailable === null;
    const { manifest } = loadModule(threaded);
    const limitPages = limitBytes === undefined ? manifest.maxPages : Math.min(manifest.maxPages, Math.ceil(limitBytes / PAGE));
    if (limitPages < manifest.initialPages) {
      throw new RangeError(`createWasmBackend: memoryLimitBytes must be at least ${manifest.initialPages * PAGE} (the module's first memory size), received ${limitBytes}.`);
    }
    const key = `${threaded ? 'threaded' : 'single'}:${limitPages}`;
    let rt = runtimes.get(key);
    if (rt === undefined) {
      const reason = threaded ? null : sharedMemory === false ? 'sharedMemory: false was asked for' : unavailable;
      rt = new WasmRuntime(threaded, reason, limitPages);
      if (threaded) rt.setThreads(host().defaultThreadCount(rt.maxThreads));
      runtimes.set(key, rt);
    }
    return rt;
  }

  get maxThreads(): number {
    return this.threaded ? this.exports.bw_max_threads() : 1;
  }

  /** Uses n threads (the caller included) from now on; starts workers as needed and waits until they run. */
  setThreads(n: number): void {
    if (!this.threaded) return;
    const threads = Math.min(n, this.maxThreads);
    this.pool?.ensure(threads - 1);
    this.exports.bw_set_threads(threads);
  }

  /** Settles once every started worker runs (at once under Node, whose setThreads waits). */
  threadsReady(): Promise<void> {
    return this.pool?.ready() ?? Promise.resolve();
  }

  threads(): number {
    return this.exports.bw_threads();
  }

  /** Takes memory.buffer anew after a call into the module (it may have grown). */
  refresh(): void {
    const b = this.memory.buffer;
    if (b !== this.buffer) {
      this.buffer = b;
      this.bytes = new Uint8Array(b);
    }
  }

  /** A 16-byte aligned block of `bytes` bytes; throws when the memory is exhausted. */
  alloc(fn: string, bytes: number): number {
    const ptr = bytes > 0xffff_fff0 ? 0 : this.exports.bw_alloc(bytes);
    this.refresh();
    if (ptr === 0) {
      throw new RangeError(`${fn}: out of WebAssembly memory allocating ${bytes} bytes (the memory holds ${this.buffer.byteLength} bytes, at most ${this.limitBytes}).`);
    }
    return ptr;
  }

  free(ptr: number): void {
    this.exports.bw_free(ptr);
  }

  /**
   * Runs a kernel entry (its arguments already in the frame). A trap (a failed
   * check, an exhausted memory) becomes an error naming the kernel; the stack
   * pointer is restored and the pool recovered, so the instance stays usable.
   */
  invoke(fn: string): void {
    const sp = this.stackPointer.value as number;
    try {
      (this.exports as unknown as Record<string, () => void>)[fn]();
    } catch (e) {
      this.stackPointer.value = sp;
      this.refresh();
      if (e instanceof WebAssembly.RuntimeError) throw this.trapError(fn, e as Error);
      throw e;
    }
    this.refresh();
  }

  private trapError(fn: string, trap: Error): Error {
    const kind = this.exports.bw_error_kind();
    const message = this.cString(this.exports.bw_error_message());
    this.exports.bw_clear_error();
    this.exports.bw_recover();
    if (kind === ERROR_KIND.type) return new TypeError(message);
    if (kind === ERROR_KIND.range) return new RangeError(message);
    if (kind === ERROR_KIND.internal) return new Error(`${fn}: ${message}`, { cause: trap });
    return new Error(`${fn}: the WebAssembly kernel trapped (${trap.message}); the backend recovered and stays usable.`, { cause: trap });
  }

  private cString(ptr: number): string {
    let end = ptr;
    while (this.bytes[end] !== 0 && end < this.bytes.length) end++;
    // slice() copies out of shared memory, which TextDecoder does not read.
    return new TextDecoder().decode(this.bytes.slice(ptr, end));
  }
}

const runtimes = new Map<string, WasmRuntime>();
const PAGE = 65536;
