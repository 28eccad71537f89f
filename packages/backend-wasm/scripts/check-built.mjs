#!/usr/bin/env node
// Part of prepack: the tarball ships the built modules (users need no
// compiler), so packing without them is an error, not a silent empty package.
// The build itself never fails without the toolchain (scripts/build-wasm.mjs).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const build = join(process.cwd(), 'build');
const missing = ['batchwise.wasm', 'batchwise-threads.wasm', 'manifest.json'].filter((f) => !existsSync(join(build, 'wasm', f)));
if (missing.length > 0) {
  const failed = join(build, 'BUILD_FAILED.txt');
  const reason = existsSync(failed) ? readFileSync(failed, 'utf8').trim() : 'run `pnpm --filter @batchwise/backend-wasm build`';
  console.error(`@batchwise/backend-wasm: build/wasm lacks ${missing.join(', ')}, nothing was packed (${reason}).`);
  process.exit(1);
}
