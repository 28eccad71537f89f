import { describe, expect, it } from 'vitest';
import type { SpeedResult } from '../src/speed/protocol.js';
import { join } from 'node:path';
import { ARTIFACTS, useBrowser } from './browser.js';

/*
 * The speed page runs every contender in Chromium: batchwise and
 * TensorFlow.js 4.22 on its CPU and WebAssembly backends (whose .wasm files
 * the page serves) train the demo's networks. Speed itself is never
 * asserted (it is measured once and reported in the README); this checks
 * that each contender trains, so the comparison can be made.
 */

const { open, browser } = useBrowser();

interface SpeedPage {
  results: SpeedResult[];
  unavailable: { contender: string; reason: string }[];
  crossOriginIsolated: boolean;
}

describe('the speed page', () => {
  it('trains both networks with batchwise, tfjs cpu and tfjs wasm', async () => {
    const { page, errors } = await open('speed.html?run&steps=2&rounds=1');
    const r = (await page.evaluate(() => (window as unknown as { batchwiseSpeed: Promise<unknown> }).batchwiseSpeed)) as SpeedPage;
    expect(r.unavailable).toEqual([]);
    expect(r.crossOriginIsolated).toBe(true);
    expect(r.results.map((x) => `${x.contender} ${x.variant}`).sort()).toEqual(
      ['TensorFlow.js cpu bn', 'TensorFlow.js cpu plain', 'TensorFlow.js wasm bn', 'TensorFlow.js wasm plain', 'batchwise cpu bn', 'batchwise cpu plain', 'batchwise wasm bn', 'batchwise wasm plain'],
    );
    for (const x of r.results) expect(x.median, `${x.contender} ${x.variant}`).toBeGreaterThan(0);
    expect(r.results.find((x) => x.contender === 'TensorFlow.js wasm')!.detail).toMatch(/^tfjs-backend-wasm 4\.22 \(\d+ threads?, SIMD\)$/);
    // The page is cross-origin isolated, so batchwise's wasm runs threaded (Chromium reports the machine's cores).
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    expect(r.results.find((x) => x.contender === 'batchwise wasm')!.detail).toBe(`wasm (${cores} thread${cores === 1 ? '' : 's'}, SIMD wasm-simd128)`);
    expect(errors).toEqual([]);
  });

  it('at phone width (390 px) the results table fits the screen', async () => {
    const context = await browser().newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const { page, errors } = await open('speed.html?run&steps=1&rounds=2', context);
    await page.evaluate(() => (window as unknown as { batchwiseSpeed: Promise<unknown> }).batchwiseSpeed);
    // Against the viewport's width, as the demo's phone test: nothing scrolls sideways, not even the table's box.
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      boxes: [...document.querySelectorAll('.table-wrap')].map((e) => e.scrollWidth - e.clientWidth),
      wider: [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > 390.5).map((e) => e.id || e.tagName),
    }));
    expect(widths).toEqual({ page: 390, boxes: [0], wider: [] });
    await page.screenshot({ path: join(ARTIFACTS, 'speed-phone.png'), fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  });
});
