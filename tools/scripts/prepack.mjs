#!/usr/bin/env node
/*
 * The `prepack` hook of every published package (run by `pnpm pack` and
 * `pnpm publish` in the package's folder):
 *   1. refuses any packer but pnpm: only pnpm turns `workspace:*` dependencies
 *      into version ranges; npm would ship them as they are and the tarball
 *      could not be installed;
 *   2. builds the package and its workspace dependencies (turbo, cached), so
 *      a clean clone never packs a tarball without dist/ (skipped when
 *      BATCHWISE_PACK_BUILT=1: pack-all has just built everything);
 *   3. removes stale build outputs (below);
 *   4. copies the repository's LICENSE into the package (gitignored there),
 *      since a tarball only holds files from its own folder.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pruneStaleOutputs } from './prune-stale-outputs.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pkgDir = process.cwd();
const { name } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));

// npm_execpath is set by whichever tool runs the script (npm overrides an inherited one, while it
// would pass on an inherited npm_config_user_agent, e.g. inside `pnpm exec`).
const execPath = process.env.npm_execpath ?? '';
if (!/pnpm/.test(basename(execPath))) {
  const packer = execPath ? basename(execPath).replace(/(-cli)?\.c?js$/, '') : 'an unknown tool';
  console.error(
    `${name}: pack with pnpm, received ${packer}. Run \`pnpm pack\` here or \`pnpm pack-all\` at the repository root: ` +
      'other packers leave "workspace:*" in the dependencies and the tarball cannot be installed.',
  );
  process.exit(1);
}

// pack-all builds the whole workspace once and says so.
if (process.env.BATCHWISE_PACK_BUILT !== '1') {
  const turbo = createRequire(join(root, 'package.json')).resolve('turbo/bin/turbo');
  const build = spawnSync(process.execPath, [turbo, 'run', 'build', `--filter=${name}`, '--output-logs=errors-only'], {
    cwd: root,
    stdio: ['ignore', 2, 2],
  });
  if (build.status !== 0) {
    console.error(`${name}: the build failed, nothing was packed.`);
    process.exit(1);
  }
}

const stale = pruneStaleOutputs(join(pkgDir, 'dist'));
if (stale > 0) console.error(`${name}: removed ${stale} stale build outputs (their sources were deleted).`);

copyFileSync(join(root, 'LICENSE'), join(pkgDir, 'LICENSE'));
