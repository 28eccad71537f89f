import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

// Tests import src/, so the package's `#onnx-files` import (which names dist/ for Node) resolves to src/ too.
export default defineProject({
  resolve: { alias: { '#onnx-files': fileURLToPath(new URL('./src/onnx/files-node.ts', import.meta.url)) } },
  test: { name: 'conformance', include: ['test/**/*.test.ts'], testTimeout: 60_000 },
});
