import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findBackend, listBackends } from '@batchwise/core';
import '@batchwise/backend-cpu';
import { describe, expect, it } from 'vitest';
import { WASM_PRIORITY } from '../src/index.js';

const entry = fileURLToPath(new URL('../dist/index.js', import.meta.url));

/** listBackends() in a fresh process that imports cpu and the built wasm package, with `env`. */
function statusesIn(env: Record<string, string>): { name: string; available: boolean; active: boolean; reason?: string }[] {
  const script = `
    await import('@batchwise/backend-cpu');
    await import(${JSON.stringify(entry)});
    const { listBackends } = await import('@batchwise/core');
    process.stdout.write(JSON.stringify(listBackends().map(({ name, available, active, reason }) => ({ name, available, active, reason }))));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return JSON.parse(out);
}

describe('registration', () => {
  it("registers 'wasm' between native and cpu, so it is the default where native does not load", async () => {
    const { NATIVE_PRIORITY } = await import('@batchwise/backend-native');
    const cpu = listBackends().find((s) => s.name === 'cpu');
    expect(WASM_PRIORITY).toBeGreaterThan(cpu?.priority ?? Number.POSITIVE_INFINITY);
    expect(WASM_PRIORITY).toBeLessThan(NATIVE_PRIORITY);
    const wasm = listBackends().find((s) => s.name === 'wasm');
    expect(wasm).toMatchObject({ priority: WASM_PRIORITY, available: true });
    expect(findBackend('wasm').info()).toMatchObject({ name: 'wasm', simd: 'wasm-simd128' });
    expect(statusesIn({}).find((s) => s.name === 'wasm')).toMatchObject({ available: true, active: true });
  });

  it('is unavailable with the build failure as its one-line reason, and cpu takes over', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-wasm-'));
    writeFileSync(join(dir, 'BUILD_FAILED.txt'), 'wasm build failed: no clang++ compiles for wasm32-wasi (test)\nsecond line\n');
    const statuses = statusesIn({ BATCHWISE_WASM_BUILD_DIR: dir });
    expect(statuses.find((s) => s.name === 'wasm')).toEqual({
      name: 'wasm',
      available: false,
      active: false,
      reason: 'wasm build failed: no clang++ compiles for wasm32-wasi (test)',
    });
    expect(statuses.find((s) => s.active)?.name).toBe('cpu');
  });

  it('names the missing module when there is no build at all', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-wasm-'));
    const wasm = statusesIn({ BATCHWISE_WASM_BUILD_DIR: dir }).find((s) => s.name === 'wasm');
    expect(wasm?.reason).toMatch(/^wasm module not built: .*batchwise-threads\.wasm is missing/);
  });
});
