import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/*
 * The ASan + UBSan build of the addon runs the whole conformance suite, the
 * odd-shape kernel sweep, the fuzz child, the memory loop, the buffer
 * lifetimes (transfer + GC, resize, shared memory during sync and async calls)
 * and every ISA level clean (scripts/asan-check.mjs). Building it takes ~12 s on 2 cores.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

describe('sanitizer build', () => {
  it('builds with -fsanitize=address,undefined and runs every check clean', () => {
    const build = spawnSync(process.execPath, [join(root, 'scripts', 'build-native.mjs'), '--asan'], { encoding: 'utf8' });
    expect(build.status, build.stderr).toBe(0);
    const check = spawnSync(process.execPath, [join(root, 'scripts', 'asan-check.mjs')], { encoding: 'utf8' });
    const lines = check.stdout.split('\n').filter((l) => /^(clean|FAILED)\s/.test(l));
    expect(lines.length, check.stdout + check.stderr).toBeGreaterThanOrEqual(8);
    expect(check.stdout).toMatch(/^clean\s+buffer-lifetime-child\.mjs/m);
    expect(lines.filter((l) => l.startsWith('FAILED')), check.stdout).toEqual([]);
    expect(check.status).toBe(0);
  }, 300_000);
});
