import { defineProject } from 'vitest/config';

// The tarball test packs, installs and trains from the packed packages: minutes, not seconds.
export default defineProject({ test: { name: 'tools', include: ['test/**/*.test.ts'], testTimeout: 600_000, hookTimeout: 600_000 } });
