import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/pack/pack-all.js';

// npm pack keeps "workspace:*" in the packed package.json; the prepack hook makes it stop instead.
describe('the prepack hook', () => {
  it('refuses npm pack with a message saying to use pnpm', () => {
    const r = spawnSync('npm', ['pack', '--dry-run'], { cwd: join(REPO_ROOT, 'packages', 'layers'), encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/@batchwise\/layers: pack with pnpm, received npm\. Run `pnpm pack` here or `pnpm pack-all` at the repository root/);
  });
});
