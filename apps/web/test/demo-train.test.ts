import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLayersModel } from '@batchwise/layers';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { Evaluation } from '../src/shared/protocol.js';
import { ARTIFACTS, useBrowser } from './browser.js';
import { image, imageSets, maxAbsDiff, predictOne } from './node-side.js';
import { chooseModel, pickImage, probabilities } from './page-reads.js';

/*
 * Part 2 of the demo in Chromium: a short training run in the page lowers
 * both networks' loss while the page keeps answering input; the network it
 * saved to IndexedDB predicts the same after a reload, and the one it offers
 * as downloads loads in Node and predicts the same there.
 */

/** An input event must be handled within this (the responsiveness bound). */
const INPUT_DELAY_MS = 100;
/** Float32 kernels in two JavaScript engines (see demo-predict.test.ts). */
const AGREEMENT = 1e-5;

const { open } = useBrowser();
const sets = imageSets();
const downloads = mkdtempSync(join(tmpdir(), 'bw-web-downloads-'));
afterAll(() => rmSync(downloads, { recursive: true, force: true }));

const evaluations = (page: Page) => page.evaluate(() => (window as unknown as { batchwiseDemo: { evaluations(): Evaluation[] } }).batchwiseDemo.evaluations());

async function untilStep(page: Page, step: number): Promise<Evaluation[]> {
  await page.waitForFunction((s) => (window as unknown as { batchwiseDemo: { evaluations(): { step: number }[] } }).batchwiseDemo.evaluations().some((e) => e.step >= s), step, { timeout: 120_000, polling: 250 });
  return evaluations(page);
}

describe('training in the page', () => {
  it('lowers the loss of both networks, answers input within 100 ms meanwhile; the network saved to IndexedDB and to downloads predicts the same after a reload and in Node', async () => {
    const { page, errors } = await open('index.html');
    await page.waitForSelector('#start:not([disabled])', { timeout: 60_000 });
    expect(await page.textContent('#backend-status')).toMatch(/^Backend: wasm \(\d+ threads?, SIMD wasm-simd128\) on this page, wasm \(\d+ threads?, SIMD wasm-simd128\) in the training worker\.$/);
    await page.evaluate(() => {
      const w = window as unknown as { inputDelays: number[] };
      w.inputDelays = [];
      // event.timeStamp is when the browser received the key press: the difference is the input delay.
      document.getElementById('lr')!.addEventListener('input', (e) => w.inputDelays.push(performance.now() - e.timeStamp));
    });
    await page.click('#start');
    await untilStep(page, 40);
    await page.focus('#lr');
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press(i % 2 === 0 ? 'ArrowRight' : 'ArrowLeft');
      await page.waitForTimeout(200);
    }
    const all = await untilStep(page, 200);
    await page.click('#start');
    await page.waitForSelector('#start:text("Start")');
    const delays = await page.evaluate(() => (window as unknown as { inputDelays: number[] }).inputDelays);
    console.log(`MEASURED input delays while training (ms): ${delays.map((d) => d.toFixed(1)).join(', ')}`);
    expect(delays).toHaveLength(6);
    expect(Math.max(...delays)).toBeLessThan(INPUT_DELAY_MS);
    const first = all.find((e) => e.step > 0)!;
    const last = all[all.length - 1];
    console.log(`MEASURED loss at step ${first.step} -> ${last.step}: without BN ${first.plain.loss.toFixed(3)} -> ${last.plain.loss.toFixed(3)}, with BN ${first.bn.loss.toFixed(3)} -> ${last.bn.loss.toFixed(3)}`);
    expect(last.plain.loss).toBeLessThan(first.plain.loss);
    expect(last.bn.loss).toBeLessThan(first.bn.loss);
    expect(last.bn.accuracy).toBeGreaterThan(0.5);
    // Let the charts draw the last points (they redraw every 500 ms), then keep a picture of the page.
    await page.waitForTimeout(1000);
    await page.screenshot({ path: join(ARTIFACTS, 'demo-training.png'), fullPage: true });
    expect(errors).toEqual([]);

    // Save the network with BN to IndexedDB, and offer it as downloads: two files.
    await page.click('#save-bn');
    await page.waitForSelector('#save-status:text("Saved as indexeddb://batchwise-demo-bn")');
    const files = new Map<string, string>();
    const twoDownloads = new Promise<void>((resolve) => {
      page.on('download', async (d) => {
        const path = join(downloads, d.suggestedFilename());
        await d.saveAs(path);
        files.set(d.suggestedFilename(), path);
        if (files.size === 2) resolve();
      });
    });
    await page.click('#download-bn');
    await twoDownloads;
    expect([...files.keys()].sort()).toEqual(['batchwise-demo-bn.json', 'batchwise-demo-bn.weights.bin']);

    // Ask the saved network in part 1; Node, given the downloaded files, answers the same.
    await chooseModel(page, 'saved');
    await pickImage(page, 3);
    const saved = await probabilities(page, 'saved/fashion-test:3');
    const downloaded = await loadLayersModel(files.get('batchwise-demo-bn.json')!);
    expect(maxAbsDiff(saved, predictOne(downloaded, image(sets.get('fashion-test')!, 3)))).toBeLessThanOrEqual(AGREEMENT);

    // After a reload, the network from IndexedDB predicts exactly the same.
    await page.reload();
    await chooseModel(page, 'saved');
    await pickImage(page, 3);
    expect(await probabilities(page, 'saved/fashion-test:3')).toEqual(saved);
    expect(errors).toEqual([]);
  });
});
