import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { publishablePackages, workspaceGlobs } from '../src/pack/workspace-packages.js';

function workspace(yaml: string, packages: Record<string, object>): string {
  const root = mkdtempSync(join(tmpdir(), 'workspace-'));
  writeFileSync(join(root, 'pnpm-workspace.yaml'), yaml);
  for (const [dir, manifest] of Object.entries(packages)) {
    mkdirSync(join(root, dir), { recursive: true });
    writeFileSync(join(root, dir, 'package.json'), JSON.stringify(manifest));
  }
  return root;
}

describe('publishablePackages', () => {
  it('reads the package globs of pnpm-workspace.yaml, quoted or not, and stops at the next key', () => {
    const root = workspace('packages:\n  - "packages/*"\n  - apps/*   # apps\n  - \'tools\'\n\nonlyBuiltDependencies: []\n', {});
    expect(workspaceGlobs(root)).toEqual(['packages/*', 'apps/*', 'tools']);
  });

  it('lists every non-private package, so a new package is packed without being named anywhere', () => {
    const root = workspace('packages:\n  - "packages/*"\n  - "tools"\n', {
      'packages/core': { name: '@batchwise/core', version: '0.1.0' },
      'packages/backend-wasm': { name: '@batchwise/backend-wasm', version: '0.2.0' },
      'packages/bench': { name: '@batchwise/bench', version: '0.1.0', private: true },
      tools: { name: '@batchwise/tools', version: '0.0.0', private: true },
    });
    expect(publishablePackages(root).map(({ name, tarball }) => [name, tarball])).toEqual([
      ['@batchwise/backend-wasm', 'batchwise-backend-wasm-0.2.0.tgz'],
      ['@batchwise/core', 'batchwise-core-0.1.0.tgz'],
    ]);
  });
});
