import type { PoolRuntime, WorkerPool } from './host.js';

/*
 * The threaded runtime's workers in a browser: Web Workers, each running one
 * more instance of the module on the shared memory. A browser starts a
 * worker only once the thread that created it returns to its event loop, so
 * ensure() does not wait: until a worker runs, the pool's caller does its
 * share of the tasks (the C++ pool waits only for tasks a worker claimed),
 * and ready() says when all of them run.
 */
export class BrowserWorkerPool implements WorkerPool {
  private readonly started: Promise<void>[] = [];

  constructor(
    private readonly module: WebAssembly.Module,
    private readonly memory: WebAssembly.Memory,
    private readonly runtime: PoolRuntime,
  ) {}

  ensure(count: number): void {
    const tlsSize = (this.runtime.exports.__tls_size?.value as number | undefined) ?? 0;
    const tlsAlign = Math.max(16, (this.runtime.exports.__tls_align?.value as number | undefined) ?? 16);
    while (this.started.length < count) {
      const index = this.started.length + 1;
      const stack = this.runtime.alloc('setNumThreads', this.runtime.manifest.stackBytes);
      const tls = this.runtime.alloc('setNumThreads', tlsSize + tlsAlign);
      const worker = new Worker(new URL('../../worker/wasm-browser-worker.mjs', import.meta.url), { type: 'module', name: `batchwise-wasm-${index}` });
      this.started.push(
        new Promise<void>((resolve, reject) => {
          worker.onmessage = (event: MessageEvent<{ type: string; message?: string }>) => {
            if (event.data.type === 'ready') resolve();
            else reject(new Error(`wasm: worker ${index} failed to instantiate the module: ${event.data.message}`));
          };
          worker.onerror = (event) => reject(new Error(`wasm: worker ${index} failed to start: ${event.message}`));
        }),
      );
      worker.postMessage({
        module: this.module,
        memory: this.memory,
        index,
        stackTop: stack + this.runtime.manifest.stackBytes,
        tls: Math.ceil(tls / tlsAlign) * tlsAlign,
      });
    }
  }

  async ready(): Promise<void> {
    await Promise.all(this.started);
  }
}
