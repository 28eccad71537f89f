import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

// Tests import src/, so the package's `#files` import (which names dist/ for
// Node) must resolve to src/ too: one copy of every class.
export default defineProject({
  resolve: { alias: { '#files': fileURLToPath(new URL('./src/io/files-node.ts', import.meta.url)) } },
  test: { name: 'layers', include: ['test/**/*.test.ts'], testTimeout: 60_000 },
});
