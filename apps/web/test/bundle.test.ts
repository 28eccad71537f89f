import { describe, expect, it } from 'vitest';
import { measure, tfjsPrebuilt } from '../scripts/bundle-size.mjs';

/*
 * A program that trains a model with core + backend-cpu + layers, built for
 * the browser by Vite: it must import no Node built-in (Vite would replace
 * one by a stub that throws at run time) and use no Node global, so it runs
 * in a page without polyfills. Its size against the same program with
 * TensorFlow.js 4.22, built the same way: the aim is less than half.
 */

describe('the browser bundle', () => {
  it('of core + backend-cpu + layers imports no Node built-in and uses no Node global', async () => {
    const ours = await measure('batchwise');
    expect(ours.builtins).toEqual([]);
    expect(ours.code).not.toMatch(/(?<![\w$.])(process|Buffer|require|__dirname|__filename|global)(?![\w$])/);
  });

  it('of core + backend-wasm + layers imports no Node built-in either, and carries the .wasm modules and the pool worker', async () => {
    const wasm = await measure('batchwise-wasm');
    expect(wasm.builtins).toEqual([]);
    // (not followed by '-' either: its message names the header value require-corp)
    expect(wasm.code).not.toMatch(/(?<![\w$.])(process|Buffer|require|__dirname|__filename|global)(?![\w$-])/);
    // The module and the worker are emitted beside the code (new URL(..., import.meta.url)), not Node's worker_threads script.
    expect(wasm.assets.filter((f) => f.endsWith('.wasm')).map((f) => f.replace(/-[\w-]{8}\.wasm$/, '.wasm')).sort()).toEqual(['assets/batchwise-threads.wasm', 'assets/batchwise.wasm']);
    expect(wasm.assets.some((f) => /wasm-browser-worker/.test(f))).toBe(true);
    expect(wasm.code).not.toMatch(/worker_threads/);
  });

  it('is less than half the size of the same program with TensorFlow.js (minified, gzipped)', async () => {
    const ours = await measure('batchwise');
    const theirs = await measure('tfjs');
    const prebuilt = tfjsPrebuilt();
    console.log(`MEASURED gzipped bundle: batchwise ${(ours.gzip / 1024).toFixed(1)} KB, TensorFlow.js ${(theirs.gzip / 1024).toFixed(1)} KB (same build), ${(prebuilt.gzip / 1024).toFixed(1)} KB (its dist/*.min.js)`);
    expect(ours.gzip).toBeLessThan(theirs.gzip / 2);
  });
});
