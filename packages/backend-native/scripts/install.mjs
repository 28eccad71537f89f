#!/usr/bin/env node
/*
 * The install script of the published package. Where a prebuilt binary from
 * prebuilds/<platform>-<arch>/ loads (checked in a child process, so a binary
 * needing a newer glibc cannot take the install down), nothing is built.
 * Otherwise the addon is built from the shipped C++ sources with cmake-js
 * (headers from the installed node-api-headers and node-addon-api: nothing is
 * downloaded). scripts/build-native.mjs never fails: without CMake or a
 * compiler it records the reason in build/BUILD_FAILED.txt, the install
 * succeeds, and batchwise falls back to the next backend with that reason.
 *
 * `npm install --build-from-source` (npm_config_build_from_source=true)
 * skips the prebuilt binary. In the repository (tsconfig.json present) this
 * does nothing: `pnpm build` builds the addon there.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (existsSync(join(root, 'tsconfig.json'))) process.exit(0);

function loadablePrebuilt() {
  let path;
  try {
    path = createRequire(import.meta.url)('node-gyp-build').path(root);
  } catch {
    return null;
  }
  const probe = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(path)})`], { encoding: 'utf8' });
  if (probe.status === 0) return path;
  const why = (probe.stderr || '').split('\n').find((l) => /Error/.test(l)) ?? `exit ${probe.status}`;
  console.log(`[backend-native] ${relative(root, path)} does not load here: ${why.trim()}`);
  return null;
}

if (process.env.npm_config_build_from_source !== 'true') {
  const prebuilt = loadablePrebuilt();
  if (prebuilt) {
    console.log(`[backend-native] using the addon ${relative(root, prebuilt)}`);
    process.exit(0);
  }
  console.log(`[backend-native] no prebuilt addon loads on ${process.platform}-${process.arch}: building it from source.`);
}
const build = spawnSync(process.execPath, [join(root, 'scripts', 'build-native.mjs')], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  // build-native.mjs records its own failures; this is a crash or a kill (e.g. out of memory).
  const reason = `native build failed: the build script ended with ${build.signal ?? `exit code ${build.status}`}`;
  mkdirSync(join(root, 'build'), { recursive: true });
  writeFileSync(join(root, 'build', 'BUILD_FAILED.txt'), `${reason}\n`);
  console.log(`[backend-native] ${reason}; batchwise will fall back to the next backend (cpu).`);
}
