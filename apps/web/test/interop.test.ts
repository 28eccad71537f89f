import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useBrowser } from './browser.js';

/*
 * One format in the browser: a model TensorFlow.js 4.22 saves to
 * indexeddb:// loads in batchwise, and the reverse, in the same page, and
 * both predict the same (conv, batch norm with non-trivial moving
 * statistics, pooling, dense).
 */

/** Float32 kernels of two libraries (different summation orders in conv and dense). */
const AGREEMENT = 1e-6;

const { open } = useBrowser();

type Interop = Record<'tfjsSaves' | 'batchwiseLoads' | 'batchwiseSaves' | 'tfjsLoads', (name: string) => Promise<number[]>> & { tfjsListModels(): Promise<string[]> };
const call = (page: Page, fn: keyof Interop, name = '') =>
  page.evaluate(([f, n]) => (window as unknown as { interop: Record<string, (n: string) => Promise<unknown>> }).interop[f](n), [fn, name] as const);

const maxAbsDiff = (a: number[], b: number[]) => (a.length === b.length ? a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0) : Infinity);

describe('IndexedDB models between TensorFlow.js and batchwise', () => {
  it('tfjs saves, batchwise loads and predicts the same', async () => {
    const { page, errors } = await open('interop.html');
    await page.waitForFunction(() => 'interop' in window);
    const saved = (await call(page, 'tfjsSaves', 'from-tfjs')) as number[];
    const loaded = (await call(page, 'batchwiseLoads', 'from-tfjs')) as number[];
    console.log(`MEASURED saved by tfjs, loaded by batchwise in Chromium: max |diff| ${maxAbsDiff(saved, loaded).toExponential(2)}`);
    expect(saved).toHaveLength(12);
    expect(maxAbsDiff(saved, loaded)).toBeLessThanOrEqual(AGREEMENT);
    expect(errors).toEqual([]);
  });

  it('batchwise saves, tfjs loads (and lists it) and predicts the same', async () => {
    const { page, errors } = await open('interop.html');
    await page.waitForFunction(() => 'interop' in window);
    const saved = (await call(page, 'batchwiseSaves', 'from-batchwise')) as number[];
    const loaded = (await call(page, 'tfjsLoads', 'from-batchwise')) as number[];
    console.log(`MEASURED saved by batchwise, loaded by tfjs in Chromium: max |diff| ${maxAbsDiff(saved, loaded).toExponential(2)}`);
    expect(maxAbsDiff(saved, loaded)).toBeLessThanOrEqual(AGREEMENT);
    expect(await call(page, 'tfjsListModels')).toContain('indexeddb://from-batchwise');
    expect(errors).toEqual([]);
  });

  it('a name with nothing saved is a clear error', async () => {
    const { page } = await open('interop.html');
    await page.waitForFunction(() => 'interop' in window);
    await expect(call(page, 'batchwiseLoads', 'never-saved')).rejects.toThrow(
      "loadLayersModel: indexeddb://never-saved must name a saved model, received a name with no model in IndexedDB (database 'tensorflowjs').",
    );
  });
});
