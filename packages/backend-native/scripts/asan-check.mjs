#!/usr/bin/env node
// Runs the kernels under the ASan+UBSan build (`pnpm build:asan` first).
// node itself is not instrumented, so libasan must be preloaded; leak
// detection is off because V8 keeps memory alive until exit by design.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const addon = join(root, 'build-asan', 'Debug', 'batchwise_native.node');
if (!existsSync(addon)) {
  console.error(`asan-check: ${addon} is missing; run \`pnpm --filter @batchwise/backend-native build:asan\` first.`);
  process.exit(1);
}
const libasan = spawnSync('gcc', ['-print-file-name=libasan.so'], { encoding: 'utf8' }).stdout.trim();
const env = {
  ...process.env,
  LD_PRELOAD: libasan,
  ASAN_OPTIONS: 'detect_leaks=0:abort_on_error=1',
  UBSAN_OPTIONS: 'halt_on_error=1:print_stacktrace=1',
  BATCHWISE_NATIVE_ADDON: addon,
};
// The whole conformance suite (tools/, built by the workspace build) runs on the sanitized addon too.
const conformance = join(root, '..', '..', 'tools', 'dist', 'conformance-matrix.js');
const runs = [
  [conformance],
  ['sanitizer-child.mjs'],
  ['fuzz-child.mjs', '3', '77'],
  ['memory-child.mjs', '50'],
  ['buffer-lifetime-child.mjs', '2', '5'],
  ...['scalar', 'avx2', 'avx512'].map((isa) => ['isa-child.mjs', { BATCHWISE_ISA: isa }]),
];
let failed = 0;
for (const [script, ...rest] of runs) {
  const extraEnv = typeof rest.at(-1) === 'object' ? rest.pop() : {};
  const flags = ['memory-child.mjs', 'buffer-lifetime-child.mjs'].includes(script) ? ['--expose-gc'] : [];
  const path = script === conformance ? conformance : join(root, 'test', 'fixtures', script);
  const r = spawnSync(process.execPath, [...flags, path, ...rest], {
    encoding: 'utf8',
    env: { ...env, ...extraEnv },
  });
  const dirty = /AddressSanitizer|runtime error:|LeakSanitizer/.test(r.stderr);
  const ok = r.status === 0 && !dirty;
  if (!ok) failed++;
  console.log(`${ok ? 'clean' : 'FAILED'}  ${script} ${rest.join(' ')} ${JSON.stringify(extraEnv)} ${r.stdout.trim().slice(0, 80)}`);
  if (!ok) console.log(r.stderr.split('\n').slice(0, 40).join('\n'));
}
process.exit(failed ? 1 : 0);
