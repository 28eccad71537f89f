import { env, nodeFs } from './platform.js';

/*
 * The compiled WebAssembly modules (build/wasm, shipped in the package),
 * compiled once per process. Loading never throws at import time: the first
 * use reports a one-line reason (the build failure recorded by
 * scripts/build-wasm.mjs, a missing file, a host without the features),
 * which the registry shows in listBackends().
 */

export interface Manifest {
  toolchain: string;
  initialPages: number;
  maxPages: number;
  stackBytes: number;
  simd: string;
}

export interface LoadedModule {
  module: WebAssembly.Module;
  manifest: Manifest;
}

const PACKAGE_BUILD_DIR = new URL('../../build/', import.meta.url);
const compiled = new Map<string, { value: LoadedModule } | { error: Error }>();

function firstLine(text: string): string {
  return text.split('\n').find((l) => l.trim().length > 0)?.trim() ?? 'unknown reason';
}

/** build/ of this package, or BATCHWISE_WASM_BUILD_DIR (another build; the tests use it). */
function buildDir(): URL {
  const dir = env('BATCHWISE_WASM_BUILD_DIR');
  if (dir === undefined || dir === '') return PACKAGE_BUILD_DIR;
  return new URL(`file://${dir.endsWith('/') ? dir : `${dir}/`}`);
}

function load(file: string): LoadedModule {
  const BUILD_DIR = buildDir();
  const fs = nodeFs();
  if (fs === undefined) {
    throw new Error('the WebAssembly module is read with node:fs; this host has none (browsers are not supported yet).');
  }
  const wasm = new URL(`wasm/${file}`, BUILD_DIR);
  if (!fs.existsSync(wasm)) {
    const failed = new URL('BUILD_FAILED.txt', BUILD_DIR);
    if (fs.existsSync(failed)) throw new Error(firstLine(fs.readFileSync(failed, 'utf8')));
    throw new Error(`wasm module not built: ${wasm.pathname} is missing (run \`pnpm --filter @batchwise/backend-wasm build\`).`);
  }
  const manifest = JSON.parse(fs.readFileSync(new URL('wasm/manifest.json', BUILD_DIR), 'utf8')) as Manifest;
  try {
    return { module: new WebAssembly.Module(fs.readFileSync(wasm)), manifest };
  } catch (e) {
    // An engine without SIMD, threads or bulk memory rejects the module here.
    throw new Error(`wasm module failed to compile: ${firstLine(e instanceof Error ? e.message : String(e))}`);
  }
}

/** The module, compiled once; throws (every time) with the one-line reason if it cannot be. */
export function loadModule(threaded: boolean): LoadedModule {
  const file = threaded ? 'batchwise-threads.wasm' : 'batchwise.wasm';
  let entry = compiled.get(file);
  if (entry === undefined) {
    try {
      entry = { value: load(file) };
    } catch (e) {
      entry = { error: e instanceof Error ? e : new Error(String(e)) };
    }
    compiled.set(file, entry);
  }
  if ('error' in entry) throw entry.error;
  return entry.value;
}
