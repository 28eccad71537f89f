import { defineConfig } from 'vitest/config';

// One vitest run covers every package; each package folder is a project, so
// `vitest run --project core` narrows it. Tests import other packages by name
// through their built `exports`, so `turbo run build` runs first (root `test`).
// The JSON report is what .ci/run counts its `N passed, N failed` line from.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'tools'],
    reporters: ['default', 'json'],
    outputFile: { json: 'reports/vitest.json' },
  },
});
