#!/usr/bin/env node
/*
 * Packing (prepack/postpack): puts this machine's build of the addon into the
 * tarball as a prebuilt binary, where node-gyp-build looks for it:
 * prebuilds/<platform>-<arch>/batchwise_native.napi.<libc>.node (napi: one
 * binary serves every Node version with N-API 8; the libc tag keeps a glibc
 * build away from musl systems). Prebuilt binaries of other platforms already
 * in prebuilds/ (e.g. copied in from other machines) are kept.
 *
 *   node scripts/stage-prebuild.mjs          stage (fails when the addon is not built)
 *   node scripts/stage-prebuild.mjs --clean  remove what was staged (postpack)
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(root, 'build', 'Release', 'batchwise_native.node');
const libc = process.platform === 'linux' ? (process.report.getReport().header.glibcVersionRuntime ? '.glibc' : '.musl') : '';
const target = join(root, 'prebuilds', `${process.platform}-${process.arch}`, `batchwise_native.napi${libc}.node`);

if (process.argv.includes('--clean')) {
  rmSync(target, { force: true });
  // Only folders left empty go: other platforms' binaries stay.
  for (const dir of [dirname(target), dirname(dirname(target))]) {
    if (existsSync(dir) && readdirSync(dir).length === 0) rmdirSync(dir);
  }
  process.exit(0);
}
if (!existsSync(built)) {
  const failed = join(root, 'build', 'BUILD_FAILED.txt');
  const why = existsSync(failed) ? readFileSync(failed, 'utf8').trim() : 'build/Release/batchwise_native.node is missing';
  console.error(`@batchwise/backend-native: cannot pack without this machine's prebuilt addon (${why}).`);
  process.exit(1);
}
mkdirSync(dirname(target), { recursive: true });
copyFileSync(built, target);
console.error(`[backend-native] staged ${relative(root, target)}`);
