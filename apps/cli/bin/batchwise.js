#!/usr/bin/env node
/*
 * The `batchwise` executable. It is committed with its execute bit and only
 * imports the build, because dist/ is rewritten by every build and restored
 * from turbo's cache without file modes.
 *
 * In a checkout of the batchwise repository (tsconfig.json beside this
 * folder; it is not in the published package) a missing build is made first,
 * so `pnpm batchwise ...` works right after `pnpm install`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/main.js', import.meta.url);
const checkout = existsSync(new URL('../tsconfig.json', import.meta.url));

if (checkout && !existsSync(main)) {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  console.error('batchwise: not built yet in this checkout; building the packages first (turbo, a few minutes: the native addon compiles)...');
  const turbo = createRequire(`${root}package.json`).resolve('turbo/bin/turbo');
  const build = spawnSync(process.execPath, [turbo, 'run', 'build', '--filter=@batchwise/cli', '--output-logs=new-only'], {
    cwd: root,
    // turbo's output goes to stderr so that stdout carries only the command's result (e.g. --json).
    stdio: ['ignore', 2, 2],
  });
  if (build.status !== 0) {
    console.error('batchwise: the build failed (see above); fix it and run `pnpm build`.');
    process.exit(1);
  }
}

await import(main.href);
