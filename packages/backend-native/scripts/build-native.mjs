#!/usr/bin/env node
// Builds the addon with cmake-js without ever failing the workspace build or
// a user's install (scripts/install.mjs runs it where no prebuilt binary
// loads): if the compile fails, the one-line reason goes to
// <out>/BUILD_FAILED.txt (read by src/locate-addon.ts, shown by
// listBackends()) and the script exits 0, so `tsc -b` or the install goes on
// and batchwise falls back to the next backend.
// The compiler's progress is streamed as it comes: the build takes minutes.
//
//   node scripts/build-native.mjs          release build into build/
//   node scripts/build-native.mjs --asan   ASan+UBSan build into build-asan/ (fails loudly)
import { spawn } from 'node:child_process';
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
  // cmake-js prefixes its own messages with "ERR!" or "ERROR OMG".
  return (error ?? lines.at(-1) ?? 'unknown error').replace(/^ERR(OR)?!? (OMG )?/, '').slice(0, 400);
}

function fail(reason) {
  mkdirSync(out, { recursive: true });
  // A stale addon from an earlier build must not load as if this one had worked.
  rmSync(join(out, asan ? 'Debug' : 'Release', 'batchwise_native.node'), { force: true });
  writeFileSync(failedFile, `native build failed: ${reason}\n`);
  console.error(`[backend-native] native build failed: ${reason}`);
  console.error('[backend-native] continuing without the addon; batchwise will fall back to the next backend (cpu).');
  process.exit(asan ? 1 : 0);
}

let cmakeJs;
try {
  cmakeJs = require.resolve('cmake-js/bin/cmake-js');
} catch {
  fail('cmake-js is not installed (a dependency of @batchwise/backend-native; reinstall the package)');
}

rmSync(failedFile, { force: true });
const args = [cmakeJs, 'compile', '--out', out, '--log-level', 'warn'];
if (asan) args.push('--debug', '--CDBATCHWISE_SANITIZE=ON');
console.log(`[backend-native] compiling the C++ addon with cmake-js into ${out} (a few minutes on 2 cores)...`);
const result = await new Promise((done) => {
  const child = spawn(process.execPath, args, { cwd: root, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout.on('data', (chunk) => { text += chunk; process.stdout.write(chunk); });
  child.stderr.on('data', (chunk) => { text += chunk; process.stderr.write(chunk); });
  child.on('error', (error) => done({ error, status: null, text }));
  child.on('close', (status) => done({ status, text }));
});
if (result.error) fail(result.error.message);
if (result.status !== 0) fail(reasonFrom(result.text));
console.log(`[backend-native] addon built in ${out}`);
