import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/*
 * The backend must run in a browser bundle: its sources may import only
 * @batchwise/core and each other (no Node built-ins, no globals that only
 * Node has). tsconfig's `types: []` already stops Node typings; this also
 * catches imports of any other package.
 */

const SRC = fileURLToPath(new URL('../src', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('browser safety', () => {
  const files = sources(SRC);

  it('finds the sources', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  for (const file of files) {
    it(`${file.slice(SRC.length + 1)} imports only core and relative modules`, () => {
      const text = readFileSync(file, 'utf8');
      const specifiers = [...text.matchAll(/from\s+'([^']+)'/g)].map((m) => m[1]);
      for (const s of specifiers) expect(s === '@batchwise/core' || s.startsWith('./') || s.startsWith('../'), s).toBe(true);
      expect(text).not.toMatch(/\b(process|Buffer|require|__dirname|globalThis\.process)\b/);
    });
  }
});
