import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, inject } from 'vitest';

/*
 * Each browser test file connects to the one Chromium the global setup
 * started, and opens pages of the served app in a fresh context (its own
 * IndexedDB). Errors the page logs or throws are collected, so a test can
 * require there were none.
 */

export const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));

export interface OpenPage {
  page: Page;
  context: BrowserContext;
  /** Uncaught errors and console errors of the page so far. */
  errors: string[];
}

export function useBrowser(): { browser: () => Browser; open: (path: string, context?: BrowserContext) => Promise<OpenPage>; url: (path: string) => string } {
  let browser: Browser | undefined;
  beforeAll(async () => {
    const problem = inject('setupProblem');
    if (problem) throw new Error(`The browser tests need the built page and Chromium: ${problem}`);
    browser = await chromium.connect(inject('wsEndpoint'));
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
  });
  const url = (path: string) => new URL(path, inject('baseUrl')).href;
  return {
    browser: () => browser!,
    url,
    async open(path, context) {
      const ctx = context ?? (await browser!.newContext({ acceptDownloads: true, viewport: { width: 1100, height: 900 } }));
      const page = await ctx.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`console: ${m.text()}`);
      });
      await page.goto(url(path));
      return { page, context: ctx, errors };
    },
  };
}
