// A thread of @batchwise/backend-wasm's pool in a browser (a Web Worker):
// one more instance of the module on the shared memory, with its own stack
// and thread-local block, blocked in the C++ worker loop between jobs (a
// dedicated worker may block in Atomics.wait). Plain JavaScript, as
// wasm-worker.mjs is for Node.
self.onmessage = (event) => {
  const { module, memory, index, stackTop, tls } = event.data;
  const ENOSYS = 52;
  const wasi = {};
  for (const i of WebAssembly.Module.imports(module)) {
    if (i.module === 'wasi_snapshot_preview1' && i.kind === 'function') wasi[i.name] = () => ENOSYS;
  }
  let exports;
  try {
    // Static constructors ran once, on the first instance, and must not run again.
    exports = new WebAssembly.Instance(module, { env: { memory }, wasi_snapshot_preview1: wasi }).exports;
    exports.__stack_pointer.value = stackTop;
    exports.__wasm_init_tls(tls);
  } catch (e) {
    self.postMessage({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
    return;
  }
  self.postMessage({ type: 'ready' });
  for (;;) {
    try {
      exports.bw_worker_loop(index);
    } catch {
      // A trap inside a task: the job is told, so its caller fails instead of waiting, and this thread goes on serving.
      exports.__stack_pointer.value = stackTop;
      exports.bw_worker_trapped(index);
    }
  }
};
