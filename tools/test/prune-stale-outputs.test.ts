import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pruneStaleOutputs } from '../scripts/prune-stale-outputs.mjs';

// tsc leaves the outputs of deleted sources in dist/; packing must not ship them.
describe('pruneStaleOutputs', () => {
  it('removes the outputs whose sources are gone and keeps the rest', () => {
    const pkg = mkdtempSync(join(tmpdir(), 'prune-'));
    mkdirSync(join(pkg, 'src', 'training'), { recursive: true });
    mkdirSync(join(pkg, 'dist', 'training'), { recursive: true });
    writeFileSync(join(pkg, 'src', 'training', 'kept.ts'), '');
    for (const name of ['kept', 'deleted']) {
      for (const ext of ['js', 'd.ts']) {
        writeFileSync(join(pkg, 'dist', 'training', `${name}.${ext}`), '');
        writeFileSync(join(pkg, 'dist', 'training', `${name}.${ext}.map`), JSON.stringify({ version: 3, sources: [`../../src/training/${name}.ts`] }));
      }
    }
    writeFileSync(join(pkg, 'dist', 'hand-written.d.ts'), '');
    expect(pruneStaleOutputs(join(pkg, 'dist'))).toBe(2);
    for (const ext of ['js', 'd.ts', 'js.map', 'd.ts.map']) {
      expect(existsSync(join(pkg, 'dist', 'training', `kept.${ext}`))).toBe(true);
      expect(existsSync(join(pkg, 'dist', 'training', `deleted.${ext}`))).toBe(false);
    }
    expect(existsSync(join(pkg, 'dist', 'hand-written.d.ts'))).toBe(true);
  });
});
