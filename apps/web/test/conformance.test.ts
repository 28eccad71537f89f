import { createCpuBackend } from '@batchwise/backend-cpu';
import { runConformance, type KernelSummary } from '@batchwise/conformance';
import { FUSED_KERNEL_NAMES, KERNEL_NAMES } from '@batchwise/core';
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

const { open } = useBrowser();

describe('the conformance suite in the page', () => {
  it('passes every kernel on cpu, with the maximum errors Node measures', async () => {
    const { page, errors } = await open('conformance.html?run');
    const results = (await page.evaluate(() => (window as unknown as { batchwiseConformance: Promise<unknown> }).batchwiseConformance)) as PageResults;
    const node = runConformance(createCpuBackend());
    const cpu = results.backends.find((b) => b.backend === 'cpu')!;
    expect(results.unavailable).toEqual([]);
    expect(results.onnx).toBe(true);
    expect(cpu.failures).toEqual([]);
    expect(results.gradients).toEqual({ pass: true, checks: expect.any(Number), failures: [] });
    // The fused kernels too: layers run them on cpu whenever the backend has them.
    for (const k of [...KERNEL_NAMES, ...FUSED_KERNEL_NAMES]) expect(cpu.kernels[k]?.pass, k).toBe(true);
    const rows = (kernels: Record<string, KernelSummary>) => Object.entries(kernels).map(([k, s]) => `${k}: ${s.pass ? 'pass' : 'FAIL'} ${s.cases} cases, ${s.skipped} skipped, max error ${s.maxError}`);
    console.log(`MEASURED in Chromium (${cpu.detail}, ${cpu.seconds.toFixed(1)} s):\n${rows(cpu.kernels).join('\n')}`);
    expect(rows(cpu.kernels)).toEqual(rows(node.kernels));
    expect(await page.textContent('#status')).toMatch(/^Every kernel passes on cpu \(1 thread\) in \d+\.\d s; reference gradients: pass \(\d+ checks\)\.$/);
    expect(errors).toEqual([]);
  });
});
