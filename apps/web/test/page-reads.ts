import type { Page } from 'playwright-core';

/* Reading the demo page's state the way a person would see it, at full precision. */

/** Waits until the probability list shows the input from `source` ('digits/mnist-test:3'), then reads it. */
export async function probabilities(page: Page, source: string): Promise<number[]> {
  await page.waitForSelector(`#probabilities[data-source="${source}"] li`, { timeout: 60_000 });
  return page.$$eval('#probabilities li', (lis) => lis.map((li) => Number((li as HTMLElement).dataset.probability)));
}

/** The 28x28 input the page last gave the network. */
export function pageInput(page: Page): Promise<number[] | null> {
  return page.evaluate(() => (window as unknown as { batchwiseDemo: { input(): number[] | null } }).batchwiseDemo.input());
}

/** Picks test image `index` (1-based) with the keyboard-usable number field. */
export async function pickImage(page: Page, index: number): Promise<void> {
  await page.fill('#image-index', String(index));
  await page.dispatchEvent('#image-index', 'change');
}

/** Chooses a network in part 1. */
export async function chooseModel(page: Page, key: 'digits' | 'clothes' | 'saved' | 'url'): Promise<void> {
  await page.selectOption('#model-select', key);
}
