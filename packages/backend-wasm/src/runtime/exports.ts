/** The module's exports (csrc/entry/runtime-exports.cc, the kernel entries of csrc/entry/bind-*.cc). */
export interface WasmExports {
  __wasm_call_ctors(): void;
  __stack_pointer: WebAssembly.Global;
  /** Threaded module only: per-instance thread-local storage. */
  __wasm_init_tls?: (block: number) => void;
  __tls_size?: WebAssembly.Global;
  __tls_align?: WebAssembly.Global;
  bw_alloc(bytes: number): number;
  bw_free(ptr: number): void;
  bw_frame(): number;
  bw_error_kind(): number;
  bw_error_message(): number;
  bw_clear_error(): void;
  bw_set_threads(n: number): void;
  bw_threads(): number;
  bw_max_threads(): number;
  bw_set_caller_can_block(canBlock: number): void;
  bw_worker_loop(index: number): void;
  bw_worker_trapped(index: number): void;
  bw_recover(): void;
  bw_worker_tasks(): number;
}

/** Error kinds of csrc/entry/error.h. */
export const ERROR_KIND = { none: 0, type: 1, range: 2, internal: 3 } as const;

/** Slot tags of csrc/entry/args.h. */
export const TAG = { end: -1, null: 0, float32: 1, int32: 2, array: 3, number: 4, boolean: 5, string: 6 } as const;

/** Frame geometry of csrc/entry/args.h: slots of float64 values. */
export const FRAME_SLOTS = 24;
export const SLOT_WIDTH = 20;

/** Imports of WASI functions that libc's stdio links in but the kernels never call: each fails with ENOSYS. */
export function wasiStubs(module: WebAssembly.Module): Record<string, Record<string, unknown>> {
  const ENOSYS = 52;
  const wasi: Record<string, unknown> = {};
  for (const i of WebAssembly.Module.imports(module)) {
    if (i.module === 'wasi_snapshot_preview1' && i.kind === 'function') wasi[i.name] = () => ENOSYS;
  }
  return { wasi_snapshot_preview1: wasi };
}
