import { defineProject } from 'vitest/config';

// The browser tests: the built page in Debian's Chromium, driven by playwright-core.
// One preview server and one Chromium for all files (global-setup.ts).
export default defineProject({
  test: {
    name: 'web',
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
