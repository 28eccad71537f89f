import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, useBrowser } from './browser.js';
import { image, imageSets, maxAbsDiff, predictOne, shippedModel } from './node-side.js';
import { chooseModel, pageInput, pickImage, probabilities } from './page-reads.js';

/*
 * Part 1 of the demo in Chromium: the shipped networks, loaded by the page
 * from model.json + weights, predict as the same files loaded by Node.
 */

/** Float32 kernels in two JavaScript engines: the same operations in the same order, so far below this. */
const AGREEMENT = 1e-5;

const { open, browser } = useBrowser();
const sets = imageSets();

describe('the demo predicts as Node does', () => {
  it('for fixed test images, with both shipped networks', async () => {
    const { page, errors } = await open('index.html');
    for (const [name, setName] of [['digits', 'mnist-test'], ['clothes', 'fashion-test']] as const) {
      const model = await shippedModel(name);
      await chooseModel(page, name);
      for (const index of [1, 2, 3, 17, 42]) {
        await pickImage(page, index);
        const inPage = await probabilities(page, `${name}/${setName}:${index}`);
        const expected = image(sets.get(setName)!, index);
        expect(await pageInput(page)).toEqual(Array.from(expected));
        const diff = maxAbsDiff(inPage, predictOne(model, expected));
        expect(diff, `${name} image ${index}`).toBeLessThanOrEqual(AGREEMENT);
      }
    }
    expect(errors).toEqual([]);
  });

  it('for a digit drawn with the mouse, and it reads a drawn 1 as a 1', async () => {
    const { page, errors } = await open('index.html');
    await probabilities(page, 'digits/mnist-test:1');
    const box = (await page.locator('#pad').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.2);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++) await page.mouse.move(box.x + box.width * (0.5 - 0.01 * i), box.y + box.height * (0.2 + 0.06 * i));
    await page.mouse.up();
    const inPage = await probabilities(page, 'digits/drawn');
    const input = (await pageInput(page))!;
    expect(input.some((v) => v > 0.5)).toBe(true);
    expect(maxAbsDiff(inPage, predictOne(await shippedModel('digits'), input))).toBeLessThanOrEqual(AGREEMENT);
    expect(inPage.indexOf(Math.max(...inPage))).toBe(1);
    expect(await page.textContent('#prediction')).toMatch(/^Prediction: 1 \(\d+\.\d %\)$/);
    expect(errors).toEqual([]);
  });
});

describe('the demo is plain to use', () => {
  it('from the keyboard: test images are picked with Tab and Enter', async () => {
    const { page, errors } = await open('index.html');
    await probabilities(page, 'digits/mnist-test:1');
    await page.focus('#image-index');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('image-next');
    await page.keyboard.press('Enter');
    await probabilities(page, 'digits/mnist-test:2');
    await page.keyboard.press('Enter');
    await probabilities(page, 'digits/mnist-test:3');
    // The prediction is also said in words, and marked by more than colour.
    expect(await page.textContent('#prediction')).toMatch(/^Prediction: \d \(\d+\.\d %\)$/);
    expect(await page.$$('#probabilities li[data-top="true"]')).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  it('at phone width (390 px): one column, nothing wider than the screen', async () => {
    const context = await browser().newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const { page, errors } = await open('index.html', context);
    await probabilities(page, 'digits/mnist-test:1');
    await page.waitForSelector('#start:not([disabled])', { timeout: 60_000 });
    await page.waitForSelector('#chart-unit svg');
    // Against the viewport's width, not innerWidth: a mobile browser widens innerWidth to fit what overflows.
    // Nothing needs sideways scrolling, not even inside the table's scroll box.
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      boxes: [...document.querySelectorAll('.table-wrap')].map((e) => e.scrollWidth - e.clientWidth),
      wider: [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > 390.5).map((e) => e.id || e.tagName),
    }));
    expect(widths).toEqual({ page: 390, boxes: [0], wider: [] });
    await page.screenshot({ path: join(ARTIFACTS, 'demo-phone.png'), fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  });
});
