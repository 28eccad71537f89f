import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { extract, create } from 'tar';

/*
 * A fresh npm project outside the workspace, the way a user starts one, and
 * the commands run in it. npm resolves third-party dependencies through its
 * cache first (--prefer-offline), so repeated runs do not touch the network.
 */

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command; never throws (the test asserts on status and output). */
export function run(cmd: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Run {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: `${r.stderr ?? ''}${r.error ? `\n${r.error.message}` : ''}` };
}

/** A failed run's last lines, for the assertion message. */
export function tail(r: Run, lines = 25): string {
  return `exit ${r.status}\n${`${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-lines).join('\n')}`;
}

/** npm's own entry script (the `npm` on PATH is a symlink to it), so npm can run with any PATH. */
export function npmCli(): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'npm');
    if (dir && existsSync(candidate)) return realpathSync(candidate);
  }
  throw new Error('npm is not on PATH');
}

/** A new folder with a bare package.json and the fixture files copied in. */
export function freshProject(root: string, name: string, fixtures?: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name, version: '1.0.0', private: true }, null, 2)}\n`);
  if (fixtures) cpSync(fixtures, dir, { recursive: true });
  return dir;
}

/** `npm install <specs>`: scripts shown as they run, cache first, no audit. */
export function npmInstall(dir: string, specs: readonly string[], env: NodeJS.ProcessEnv = process.env): Run {
  const args = [npmCli(), 'install', '--prefer-offline', '--no-audit', '--no-fund', '--foreground-scripts', ...specs];
  return run(process.execPath, args, dir, env);
}

/** A copy of `tarball` without the folders named in `drop` (e.g. `prebuilds`), as a platform with no prebuilt binary sees it. */
export async function tarballWithout(tarball: string, drop: readonly string[], out: string): Promise<string> {
  const work = mkdtempSync(join(tmpdir(), 'batchwise-repack-'));
  await extract({ file: tarball, cwd: work });
  for (const d of drop) rmSync(join(work, 'package', d), { recursive: true, force: true });
  await create({ gzip: true, file: out, cwd: work, portable: true }, ['package']);
  rmSync(work, { recursive: true, force: true });
  return out;
}

/** A PATH holding only node and sh: no compiler, no cmake, no make. */
export function pathWithoutCompiler(root: string): string {
  const bin = join(root, 'bin-without-compiler');
  mkdirSync(bin, { recursive: true });
  if (!existsSync(join(bin, 'node'))) symlinkSync(process.execPath, join(bin, 'node'));
  if (!existsSync(join(bin, 'sh'))) symlinkSync('/bin/sh', join(bin, 'sh'));
  return bin;
}
