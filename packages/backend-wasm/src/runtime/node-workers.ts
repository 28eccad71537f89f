import type { PoolRuntime, WorkerPool } from './host.js';
import { nodeWorkerThreads } from './node-host.js';

/**
 * How long setThreads waits for new workers to start (tens of milliseconds
 * normally). A worker that fails before its script runs cannot say so while
 * this thread is blocked: the wait ends with an error instead.
 */
const START_TIMEOUT_MS = 10_000;

const WORKER_URL = new URL('../../worker/wasm-worker.mjs', import.meta.url);

/*
 * The workers of the threaded runtime (Node worker_threads), kept for the
 * life of the process: each instantiates the module on the shared memory and
 * waits in the C++ worker loop, so starting a job costs an atomic notify.
 * Unreferenced, so they never keep the process alive.
 */
export class NodeWorkerPool implements WorkerPool {
  private readonly started: unknown[] = [];
  // [started, failed]: each worker adds to one once it runs or fails to; setThreads waits for it (Node's main thread may block).
  private readonly startCount = new Int32Array(new SharedArrayBuffer(8));

  constructor(
    private readonly module: WebAssembly.Module,
    private readonly memory: WebAssembly.Memory,
    private readonly host: PoolRuntime,
  ) {}

  /** Starts workers until `count` run (worker i is pool thread i + 1); blocks until they do. */
  ensure(count: number): void {
    const wt = nodeWorkerThreads();
    if (wt === undefined) throw new Error('wasm: worker_threads is unavailable.');
    const tlsSize = (this.host.exports.__tls_size?.value as number | undefined) ?? 0;
    const tlsAlign = Math.max(16, (this.host.exports.__tls_align?.value as number | undefined) ?? 16);
    while (this.started.length < count) {
      const index = this.started.length + 1;
      const stack = this.host.alloc('setNumThreads', this.host.manifest.stackBytes);
      const tls = this.host.alloc('setNumThreads', tlsSize + tlsAlign);
      const worker = new wt.Worker(WORKER_URL, {
        // Not the parent's flags (e.g. --input-type of a `node -e` script, which a worker rejects): it only runs the module.
        execArgv: [],
        workerData: {
          module: this.module,
          memory: this.memory,
          index,
          stackTop: stack + this.host.manifest.stackBytes,
          tls: Math.ceil(tls / tlsAlign) * tlsAlign,
          ready: this.startCount,
        },
      });
      worker.unref();
      this.started.push(worker);
    }
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (let seen = Atomics.load(this.startCount, 0); seen < count; seen = Atomics.load(this.startCount, 0)) {
      if (Atomics.load(this.startCount, 1) > 0) throw new Error('setNumThreads: a wasm worker failed to instantiate the module.');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`setNumThreads: only ${seen} of ${count} wasm workers started within ${START_TIMEOUT_MS / 1000} s.`);
      Atomics.wait(this.startCount, 0, seen, left);
    }
  }

  /** ensure() already waited for its workers. */
  ready(): Promise<void> {
    return Promise.resolve();
  }
}
