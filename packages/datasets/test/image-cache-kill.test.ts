import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { readImageCache } from '../src/image-cache.js';

/*
 * kill -9 while the cache is being rewritten: a reader then finds one whole
 * cache (the old or the new), never a torn one. The child rewrites the cache
 * in a loop, alternating two data sets, and is killed at a random moment.
 */

const BUILT = fileURLToPath(new URL('../dist/image-cache.js', import.meta.url));
const FINGERPRINT_HEX = 'ab'.repeat(32);
const COUNT = 3000; // ~2.4 MB per write: a kill often lands inside one

const CHILD = `
const { writeImageCache } = await import(${JSON.stringify(BUILT)});
const [path] = process.argv.slice(1);
const fingerprint = Buffer.from('${FINGERPRINT_HEX}', 'hex');
const sets = [0, 1].map((v) => ({ count: ${COUNT}, labels: new Uint8Array(${COUNT}).fill(v), pixels: new Uint8Array(${COUNT} * 784).fill(v * 7) }));
writeImageCache(path, fingerprint, sets[0]);
process.stdout.write('ready\\n');
for (let i = 1; ; i++) writeImageCache(path, fingerprint, sets[i % 2]);
`;

let dir: string;
beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), 'bw-cache-kill-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function killWhileWriting(path: string, delayMs: number): Promise<void> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, path], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`writer exited early (${code})`)));
  });
  await new Promise((r) => setTimeout(r, delayMs));
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

it('leaves a whole cache (old or new) after the writer is killed with SIGKILL mid-rewrite', async () => {
  const path = join(dir, 'x.bin');
  for (const delayMs of [1, 7, 23, 41, 67]) {
    await killWhileWriting(path, delayMs);
    const read = readImageCache(path, Buffer.from(FINGERPRINT_HEX, 'hex'));
    expect(read.status).toBe('hit');
    if (read.status !== 'hit') return;
    expect(read.data.count).toBe(COUNT);
    const v = read.data.labels[0];
    expect(read.data.labels.every((l) => l === v)).toBe(true);
    expect(read.data.pixels.every((p) => p === v * 7)).toBe(true);
  }
}, 60_000);
