import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/*
 * Layers compute with kernels; tensor memory is read in JavaScript only in
 * engine/values.ts (readScalar, readValues), where values leave the library.
 * A `.data` anywhere else in src is computation that a backend whose memory
 * is not a JavaScript array could not run without copying.
 */

const SRC = fileURLToPath(new URL('../src', import.meta.url));
const ALLOWED = new Set(['engine/values.ts']);
// `.data` as a property access (`...data`, a spread of a variable named data, is not one), and
// Tensor.clone(), which copies `.data` in JavaScript (copyOf copies with the assign kernel).
const DATA_ACCESS = /(?<!\.\.)\.data\b|\.clone\(\)/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('where layers read tensor memory', () => {
  it('reads .data (or clones in JavaScript) only in engine/values.ts', () => {
    const found: string[] = [];
    for (const file of sources(SRC)) {
      const name = relative(SRC, file).split('\\').join('/');
      if (ALLOWED.has(name)) continue;
      readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
        if (DATA_ACCESS.test(line)) found.push(`${name}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(found).toEqual([]);
  });

  it('the pattern finds a property access and skips a spread', () => {
    expect(DATA_ACCESS.test('sum += r.loss.data[i];')).toBe(true);
    expect(DATA_ACCESS.test('w.value.data.set(saved);')).toBe(true);
    expect(DATA_ACCESS.test('this.ensureBuilt([[null, ...data.shape.slice(1)]]);')).toBe(false);
    expect(DATA_ACCESS.test('return this.weights.map((w) => w.value.clone());')).toBe(true);
  });
});
