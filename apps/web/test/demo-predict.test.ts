import { describe, expect, it } from 'vitest';
import { useBrowser } from './browser.js';
import { image, imageSets, maxAbsDiff, predictOne, shippedModel } from './node-side.js';
import { chooseModel, pageInput, pickImage, probabilities } from './page-reads.js';

/*
 * Part 1 of the demo in Chromium: the shipped networks, loaded by the page
 * from model.json + weights, predict as the same files loaded by Node.
 */

/** Float32 kernels in two JavaScript engines: the same operations in the same order, so far below this. */
const AGREEMENT = 1e-5;

const { open } = useBrowser();
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
