#!/usr/bin/env node
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkTarball } from './check-tarball.js';
import { readTarball } from './tarball-contents.js';
import { publishablePackages, type WorkspacePackage } from './workspace-packages.js';

/*
 * `pnpm pack-all [--out DIR]` (root script: builds everything first): packs
 * every publishable workspace package with `pnpm pack` (which turns
 * `workspace:*` into versions and runs each package's prepack hook), then
 * checks each tarball (check-tarball.ts) and prints one line per package.
 * Exit code 1 when a pack failed or a tarball breaks a rule.
 */

/** The repository root (tools/dist/pack/../../..). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Where tarballs go by default (gitignored). */
export const DEFAULT_PACK_DIR = join(REPO_ROOT, 'out', 'packs');

/** How to run pnpm: the one running us (npm_execpath), else pnpm 10 through npx. */
export function pnpmCommand(env: NodeJS.ProcessEnv = process.env): [string, ...string[]] {
  const execPath = env.npm_execpath;
  if (execPath && /pnpm/.test(basename(execPath))) return [process.execPath, execPath];
  return ['npx', '--yes', 'pnpm@10'];
}

export interface PackedPackage extends WorkspacePackage {
  /** Absolute tarball path. */
  file: string;
  files: number;
  bytes: number;
  /** What the prepack hook reported doing (e.g. removing stale build outputs). */
  notes: string[];
  problems: string[];
}

/** Packs one package into `outDir` and checks the tarball. */
export async function packOne(pkg: WorkspacePackage, outDir: string, license: string): Promise<PackedPackage> {
  const [cmd, ...args] = pnpmCommand();
  const file = join(outDir, pkg.tarball);
  rmSync(file, { force: true });
  const run = spawnSync(cmd, [...args, 'pack', '--pack-destination', outDir], {
    cwd: pkg.dir,
    encoding: 'utf8',
    // The whole workspace was built first: the prepack hooks skip their own turbo run.
    env: { ...process.env, BATCHWISE_PACK_BUILT: '1' },
  });
  if (run.status !== 0) {
    const why = `${run.stderr}\n${run.stdout}`.split('\n').filter((l) => l.trim()).slice(-3).join(' | ');
    return { ...pkg, file, files: 0, bytes: 0, notes: [], problems: [`pnpm pack failed: ${why}`] };
  }
  const contents = await readTarball(file);
  const notes = run.stderr.split('\n').filter((l) => l.includes('stale build outputs'));
  return { ...pkg, file, files: contents.size, bytes: statSync(file).size, notes, problems: checkTarball(contents, license) };
}

/** Packs and checks every publishable package, in name order. */
export async function packAll(outDir: string, log: (line: string) => void = () => {}): Promise<PackedPackage[]> {
  mkdirSync(outDir, { recursive: true });
  const license = readFileSync(join(REPO_ROOT, 'LICENSE'), 'utf8');
  const packed: PackedPackage[] = [];
  for (const pkg of publishablePackages(REPO_ROOT)) {
    const result = await packOne(pkg, outDir, license);
    const size = `${(result.bytes / 1024).toFixed(0)} kB`;
    log(`${result.problems.length === 0 ? 'ok  ' : 'FAIL'} ${pkg.name}@${pkg.version}  ${pkg.tarball}  ${result.files} files, ${size}`);
    for (const n of result.notes) log(`       ${n}`);
    for (const p of result.problems) log(`       ${p}`);
    packed.push(result);
  }
  return packed;
}

function parseOut(argv: readonly string[]): string {
  const i = argv.indexOf('--out');
  if (i === -1) return DEFAULT_PACK_DIR;
  const dir = argv[i + 1];
  if (!dir || dir.startsWith('--')) {
    console.error('pack-all: --out must be followed by a folder, received nothing.');
    process.exit(2);
  }
  return resolve(dir);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = parseOut(process.argv.slice(2));
  const packed = await packAll(outDir, (line) => console.log(line));
  const failed = packed.filter((p) => p.problems.length > 0).length;
  console.log(`${packed.length} packages packed into ${outDir}${failed ? `; ${failed} with problems` : ''}`);
  process.exitCode = failed ? 1 : 0;
}
