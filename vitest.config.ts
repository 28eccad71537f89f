import { defineConfig } from 'vitest/config';

// One vitest run covers every package; each package folder is a project so
// `vitest run --project core` narrows it. Tests import other packages by name
// through their built `exports`, so `turbo run build` runs first (see package.json).
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*'],
  },
});
