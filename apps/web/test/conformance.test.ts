import { createCpuBackend } from '@batchwise/backend-cpu';
import { createWasmBackend } from '@batchwise/backend-wasm';
import { runConformance, type KernelSummary } from '@batchwise/conformance';
import { FUSED_KERNEL_NAMES, KERNEL_NAMES, type Backend } from '@batchwise/core';
import { describe, expect, it } from 'vitest';
import type { BackendResult } from '../src/conformance/protocol.js';
import { useBrowser } from './browser.js';

/*
 * The conformance suite inside Chromium (conformance.html runs it in a Web
 * Worker of the page) against the same suite under Node: every kernel
 * passes in the page, with the same cases and the same maximum errors.
 * ONNX's vectors reach the page from the test server (global-setup.ts).
 */

interface PageResults {
  backends: BackendResult[];
  unavailable: { backend: string; reason: string }[];
  gradients: { pass: boolean; checks: number; failures: string[] } | null;
  onnx: boolean;
}

const { open, url } = useBrowser();

const rows = (kernels: Record<string, KernelSummary>) => Object.entries(kernels).map(([k, s]) => `${k}: ${s.pass ? 'pass' : 'FAIL'} ${s.cases} cases, ${s.skipped} skipped, max error ${s.maxError}`);

/** One backend's result in the page against the same suite under Node: every kernel passes, with Node's cases and maximum errors. */
function expectAsUnderNode(results: PageResults, name: string, node: Backend): BackendResult {
  const inPage = results.backends.find((b) => b.backend === name)!;
  expect(inPage, `${name} ran in the page`).toBeDefined();
  expect(inPage.failures).toEqual([]);
  // The fused kernels too: layers run them whenever the backend has them.
  for (const k of [...KERNEL_NAMES, ...FUSED_KERNEL_NAMES]) expect(inPage.kernels[k]?.pass, `${name} ${k}`).toBe(true);
  console.log(`MEASURED in Chromium (${inPage.detail}, ${inPage.seconds.toFixed(1)} s):\n${rows(inPage.kernels).join('\n')}`);
  expect(rows(inPage.kernels)).toEqual(rows(runConformance(node).kernels));
  return inPage;
}

describe('the conformance suite in the page', () => {
  it('passes every kernel on wasm (threaded: the page is cross-origin isolated) and cpu, with the maximum errors Node measures', async () => {
    const { page, errors } = await open('conformance.html?run');
    const results = (await page.evaluate(() => (window as unknown as { batchwiseConformance: Promise<unknown> }).batchwiseConformance)) as PageResults;
    expect(results.unavailable).toEqual([]);
    expect(results.onnx).toBe(true);
    expect(results.gradients).toEqual({ pass: true, checks: expect.any(Number), failures: [] });
    const wasm = expectAsUnderNode(results, 'wasm', createWasmBackend());
    // The test server sends COOP + COEP, so the page's workers share memory; Chromium reports the machine's cores.
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    expect(wasm.detail).toBe(`wasm (${cores} thread${cores === 1 ? '' : 's'}, SIMD ${createWasmBackend().info().simd})`);
    // The pool's Web Workers really ran kernel tasks.
    expect(wasm.info).toMatchObject({ threading: 'shared memory + workers', workerTasks: expect.any(Number) });
    expect(wasm.info.workerTasks).toBeGreaterThan(0);
    expectAsUnderNode(results, 'cpu', createCpuBackend());
    expect(await page.textContent('#status')).toMatch(/^Every kernel passes on wasm \(\d+ threads?, SIMD [\w-]+\) in \d+\.\d s, cpu \(1 thread\) in \d+\.\d s; reference gradients: pass \(\d+ checks\)\.$/);
    expect(errors).toEqual([]);
  });

  it('runs wasm single-threaded where the page is not cross-origin isolated, saying why, with the same maximum errors', async () => {
    const { page, context, errors } = await open('about:blank');
    // The same page without COOP + COEP: no SharedArrayBuffer, so no shared memory for threads.
    await context.route(/conformance\.html/, async (route) => {
      const response = await route.fetch();
      const headers = Object.fromEntries(Object.entries(response.headers()).filter(([h]) => !/^cross-origin-(opener|embedder)-policy$/i.test(h)));
      await route.fulfill({ response, headers });
    });
    await page.goto(url('conformance.html?run&backends=wasm'));
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    const results = (await page.evaluate(() => (window as unknown as { batchwiseConformance: Promise<unknown> }).batchwiseConformance)) as PageResults;
    expect(results.unavailable).toEqual([]);
    const wasm = expectAsUnderNode(results, 'wasm', createWasmBackend({ sharedMemory: false }));
    expect(wasm.info).toMatchObject({ threads: 1, workerTasks: 0 });
    expect(wasm.info.threading).toBe(
      'single-threaded: the page is not cross-origin isolated, so SharedArrayBuffer is unavailable (serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)',
    );
    expect(errors).toEqual([]);
  });
});
