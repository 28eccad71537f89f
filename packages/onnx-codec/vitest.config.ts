import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'onnx-codec', include: ['test/**/*.test.ts'], testTimeout: 60_000 } });
