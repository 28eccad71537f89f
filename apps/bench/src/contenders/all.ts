import type { Contender } from '../types.js';
import { batchwiseContender, type LoadedBackend } from './batchwise.js';
import { loadNative, loadOurBackend, loadWasm, NATIVE_PACKAGE, WASM_PACKAGE } from './ours.js';
import { onnxContender } from './onnx.js';
import { tfjsContender } from './tfjs.js';

/*
 * Every contender of the kernel benchmark, in table order: batchwise native
 * and wasm on 1 and 2 threads, batchwise cpu, tfjs-wasm, tfjs-cpu,
 * onnxruntime on 1 and 2 threads.
 */

function wasmContenders(wasm: LoadedBackend): Contender[] {
  const usable = wasm.backend && !wasm.native ? { ...wasm, backend: undefined, reason: `${WASM_PACKAGE} exports no setNumThreads()` } : wasm;
  return [batchwiseContender('wasm-1t', 'wasm 1t', usable, 1, true), batchwiseContender('wasm-2t', 'wasm 2t', usable, 2, true)];
}

function nativeContenders(native: LoadedBackend): Contender[] {
  if (native.backend && !native.native) {
    // Without setNumThreads the thread count cannot be chosen: time the default only.
    const missing = { ...native, backend: undefined, reason: `${NATIVE_PACKAGE} exports no setNumThreads()` };
    return [batchwiseContender('native-1t', 'native 1t', missing, 1, true), batchwiseContender('native-2t', 'native', native, 2, false)];
  }
  return [batchwiseContender('native-1t', 'native 1t', native, 1, true), batchwiseContender('native-2t', 'native 2t', native, 2, true)];
}

/** Loads every contender; `only` filters by id. Unavailable ones are kept, with their reason. */
export async function loadContenders(only?: readonly string[]): Promise<{ contenders: Contender[]; native: LoadedBackend }> {
  const native = await loadNative();
  const wasm = await loadWasm();
  const cpu = await loadOurBackend('cpu');
  const all = [
    ...nativeContenders(native),
    ...wasmContenders(wasm),
    batchwiseContender('cpu', 'cpu', cpu, 1, false),
    await tfjsContender('wasm'),
    await tfjsContender('cpu'),
    onnxContender(1),
    onnxContender(2),
  ];
  return { contenders: only ? all.filter((c) => only.includes(c.id)) : all, native };
}
