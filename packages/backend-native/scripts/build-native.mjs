#!/usr/bin/env node
// Builds the addon with cmake-js without ever failing the workspace build:
// if the compile fails, the one-line reason goes to <out>/BUILD_FAILED.txt
// (read by src/addon.ts, shown by listBackends()) and the script exits 0, so
// `tsc -b` still runs and batchwise falls back to the cpu backend.
//
//   node scripts/build-native.mjs          release build into build/
//   node scripts/build-native.mjs --asan   ASan+UBSan build into build-asan/ (fails loudly)
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const asan = process.argv.includes('--asan');
const out = join(root, asan ? 'build-asan' : 'build');
const failedFile = join(out, 'BUILD_FAILED.txt');
const require = createRequire(import.meta.url);

function reasonFrom(text) {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const error = lines.find((l) => /\berror\b/i.test(l) && !/^ERR!|^make|^ninja: build stopped/.test(l));
  return (error ?? lines.at(-1) ?? 'unknown error').slice(0, 400);
}

function fail(reason) {
  mkdirSync(out, { recursive: true });
  // A stale addon from an earlier build must not load as if this one had worked.
  rmSync(join(out, asan ? 'Debug' : 'Release', 'batchwise_native.node'), { force: true });
  writeFileSync(failedFile, `native build failed: ${reason}\n`);
  console.error(`[backend-native] native build failed: ${reason}`);
  console.error('[backend-native] continuing without the addon; the cpu backend will be used.');
  process.exit(asan ? 1 : 0);
}

let cmakeJs;
try {
  cmakeJs = require.resolve('cmake-js/bin/cmake-js');
} catch {
  fail('cmake-js is not installed (devDependency of @batchwise/backend-native)');
}

rmSync(failedFile, { force: true });
const args = [cmakeJs, 'compile', '--out', out, '--log-level', 'warn'];
if (asan) args.push('--debug', '--CDBATCHWISE_SANITIZE=ON');
const result = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', env: process.env });
if (result.error) fail(result.error.message);
process.stdout.write(result.stdout ?? '');
if (result.status !== 0) {
  process.stderr.write(result.stderr ?? '');
  fail(reasonFrom(`${result.stdout ?? ''}\n${result.stderr ?? ''}`));
}
console.log(`[backend-native] addon built in ${out}`);
