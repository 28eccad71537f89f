// A thread of @batchwise/backend-wasm's pool (Node worker_threads): one more
// instance of the module on the shared memory, with its own stack and
// thread-local block, blocked in the C++ worker loop between jobs. Plain
// JavaScript so that it runs from src/ (tests) and dist/ alike.
import { workerData } from 'node:worker_threads';

const { module, memory, index, stackTop, tls, ready } = workerData;
const ENOSYS = 52;
const wasi = {};
for (const i of WebAssembly.Module.imports(module)) {
  if (i.module === 'wasi_snapshot_preview1' && i.kind === 'function') wasi[i.name] = () => ENOSYS;
}
// The start function sees the memory initialised already and leaves it alone;
// static constructors ran once, on the first instance, and must not run again.
let exports;
try {
  exports = new WebAssembly.Instance(module, { env: { memory }, wasi_snapshot_preview1: wasi }).exports;
  exports.__stack_pointer.value = stackTop;
  exports.__wasm_init_tls(tls);
} catch (e) {
  Atomics.add(ready, 1, 1);
  Atomics.notify(ready, 0);
  throw e;
}
Atomics.add(ready, 0, 1);
Atomics.notify(ready, 0);
for (;;) {
  try {
    exports.bw_worker_loop(index);
  } catch {
    // A trap inside a task (out of memory, a failed check): the job is told,
    // so its caller fails instead of waiting, and this thread goes on serving.
    exports.__stack_pointer.value = stackTop;
    exports.bw_worker_trapped(index);
  }
}
