import { defineProject } from 'vitest/config';

export default defineProject({ test: { name: 'backend-native', include: ['test/**/*.test.ts'], testTimeout: 60_000 } });
