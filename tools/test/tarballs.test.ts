import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pnpmCommand, REPO_ROOT } from '../src/pack/pack-all.js';
import { publishablePackages } from '../src/pack/workspace-packages.js';
import { freshProject, npmInstall, pathWithoutCompiler, run, tail, tarballWithout, type Run } from './helpers/fresh-project.js';

/*
 * Issue 13, as a new user meets batchwise: every package packed with the
 * one command (`pnpm pack-all`), installed from its tarball into a fresh npm
 * project outside the workspace, and used there. The native backend's three
 * install paths: prebuilt binary, build from source, clean fallback.
 */

const FIXTURES = fileURLToPath(new URL('./fixtures/user-project', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'batchwise-tarballs-'));
const packs = join(work, 'packs');
const packages = publishablePackages(REPO_ROOT);

/** The packed tarball of `@batchwise/<short>`. */
function tgz(short: string): string {
  const pkg = packages.find((p) => p.name === `@batchwise/${short}`);
  if (!pkg) throw new Error(`no publishable package @batchwise/${short}`);
  return join(packs, pkg.tarball);
}

/** `@batchwise/<short>` and every workspace package it depends on (dependencies, transitively), as short names. */
function withDependencies(short: string): string[] {
  const found = new Set<string>();
  const visit = (name: string) => {
    const pkg = packages.find((p) => p.name === name);
    if (!pkg || found.has(name)) return;
    found.add(name);
    const { dependencies = {} } = JSON.parse(readFileSync(join(pkg.dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    for (const dep of Object.keys(dependencies)) visit(dep);
  };
  visit(`@batchwise/${short}`);
  return [...found].map((n) => n.replace('@batchwise/', ''));
}

/** Runs `node -e <code>` as an ES module in `dir`; returns its JSON line. */
function nodeJson(dir: string, code: string): unknown {
  const r = run(process.execPath, ['--input-type=module', '-e', code], dir);
  expect(r.status, tail(r)).toBe(0);
  return JSON.parse(r.stdout);
}

const ADDON_STATUS = `
  import '@batchwise/backend-cpu';
  import { getAddonPath } from '@batchwise/backend-native';
  import { getBackend, listBackends } from '@batchwise/core';
  const native = listBackends().find((b) => b.name === 'native');
  let addon = null;
  try { addon = getAddonPath(); } catch {}
  console.log(JSON.stringify({ active: getBackend().name, native, addon }));`;

let packRun: Run;
beforeAll(() => {
  const [cmd, ...args] = pnpmCommand();
  packRun = run(cmd, [...args, 'pack-all', '--out', packs], REPO_ROOT);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('pnpm pack-all', () => {
  it('packs every publishable package and every tarball passes the rules', () => {
    expect(packRun.status, tail(packRun)).toBe(0);
    expect(packages.map((p) => p.name)).toEqual(expect.arrayContaining([
      '@batchwise/backend-cpu', '@batchwise/backend-native', '@batchwise/backend-wasm', '@batchwise/cli', '@batchwise/conformance',
      '@batchwise/core', '@batchwise/datasets', '@batchwise/layers',
    ]));
    for (const p of packages) expect(packRun.stdout).toContain(`ok   ${p.name}@${p.version}  ${p.tarball}`);
  });
});

describe('a fresh npm project installing the tarballs', () => {
  const project = freshProject(work, 'user-app', FIXTURES);

  it('core + backend-cpu + layers: the article Dense + BatchNormalization model fits, predicts, saves and loads', () => {
    // @types/node as a Node project has it, for the typed-file test below.
    const install = npmInstall(project, [tgz('core'), tgz('backend-cpu'), tgz('layers'), '@types/node@^20.19.0']);
    expect(install.status, tail(install)).toBe(0);
    const r = run(process.execPath, ['article.mjs', join(project, 'my-model')], project);
    expect(r.status, tail(r)).toBe(0);
    const got = JSON.parse(r.stdout) as Record<string, number | number[] | string>;
    expect(got.backend).toBe('cpu');
    expect(got.predictShape).toEqual([256, 1, 2]);
    expect(got.loss as number).toBeLessThan(got.firstLoss as number);
    expect(got.accuracy as number).toBeGreaterThan(0.8);
    // float32 weights round-trip exactly through model.json + the .bin shard
    expect(got.maxDiff).toBe(0);
    expect(existsSync(join(project, 'my-model', 'model.json'))).toBe(true);
  });

  it('require() loads the packages from CommonJS', () => {
    const r = run(process.execPath, ['require-core.cjs'], project);
    expect(r.status, tail(r)).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ backend: 'cpu', y: [5, 11, 11, 25], shape: [2, 2] });
  });

  it.each(['nodenext', 'bundler'])('a typed user file passes tsc --noEmit with moduleResolution %s', (mode) => {
    const tsc = createRequire(join(REPO_ROOT, 'package.json')).resolve('typescript/bin/tsc');
    const r = run(process.execPath, [tsc, '-p', `tsconfig.${mode}.json`], project);
    expect(r.status, tail(r)).toBe(0);
  });

  it('+ backend-native: the prebuilt addon loads and setBackend switches cpu <-> native mid-program with agreeing results', () => {
    const install = npmInstall(project, [tgz('backend-native')]);
    expect(install.status, tail(install)).toBe(0);
    expect(install.stdout).toContain(`[backend-native] using the addon prebuilds/${process.platform}-${process.arch}/`);
    const r = run(process.execPath, ['switch-backends.mjs'], project);
    expect(r.status, tail(r)).toBe(0);
    const got = JSON.parse(r.stdout) as Record<string, string | number>;
    expect(got).toMatchObject({ defaultBackend: 'native', native: 'native', backAgain: 'cpu' });
    expect(got.addon).toContain(join('node_modules', '@batchwise', 'backend-native', 'prebuilds'));
    // Different summation orders (SIMD, threads) in float32: agreement to 1e-5 on values of order 1.
    expect(got.predictDiff as number).toBeLessThan(1e-5);
    expect(got.trainedWeightDiff as number).toBeLessThan(1e-5);
    expect(got.predictAfterSwitchDiff as number).toBeLessThan(1e-5);
  });

  it('+ backend-wasm, with no compiler on PATH: the shipped module loads and trains (between native and cpu)', () => {
    const project = freshProject(work, 'wasm-app', FIXTURES);
    const env = { ...process.env, PATH: pathWithoutCompiler(work) };
    const install = npmInstall(project, [tgz('core'), tgz('backend-cpu'), tgz('layers'), tgz('backend-wasm')], env);
    expect(install.status, tail(install)).toBe(0);
    const r = run(process.execPath, ['wasm-backend.mjs'], project, env);
    expect(r.status, tail(r)).toBe(0);
    const got = JSON.parse(r.stdout) as { active: string; wasm: { available: boolean; threads: number; threading: string }; firstLoss: number; loss: number; predictionInWasmMemory: boolean };
    expect(got.active).toBe('wasm');
    expect(got.wasm).toMatchObject({ available: true, threading: 'shared memory + workers' });
    expect(got.wasm.threads).toBeGreaterThanOrEqual(1);
    expect(got.loss).toBeLessThan(got.firstLoss);
    expect(got.predictionInWasmMemory).toBe(true);
  });

  it('+ datasets + cli: batchwise is a command; --help and a 1-epoch training run work', () => {
    // Until the packages are on the registry, a user names the tarball of every @batchwise package the CLI depends on.
    const installed = ['core', 'backend-cpu', 'layers', 'backend-native'];
    const rest = [...new Set(['datasets', ...withDependencies('cli')])].filter((p) => !installed.includes(p));
    expect(rest).toEqual(expect.arrayContaining(['datasets', 'cli', 'conformance']));
    const install = npmInstall(project, rest.map(tgz));
    expect(install.status, tail(install)).toBe(0);
    const batchwise = join(project, 'node_modules', '.bin', 'batchwise');
    const help = run(batchwise, ['--help'], project);
    expect(help.status, tail(help)).toBe(0);
    expect(help.stdout).toMatch(/Usage: batchwise/);
    const train = run(batchwise, ['train', 'mlp-bn', '--dataset', 'mnist', '--limit', '512', '--epochs', '1', '--out', 'run-mnist'], project);
    expect(train.status, tail(train)).toBe(0);
    expect(train.stdout).toMatch(/test accuracy: \d+\.\d+%/);
    expect(train.stderr).toContain('with the native backend');
    expect(existsSync(join(project, 'run-mnist', 'model.json'))).toBe(true);
  });

  it('batchwise conformance passes from the installed packages, reporting the unshipped ONNX vectors as skipped', () => {
    const env = { ...process.env };
    delete env.BATCHWISE_ONNX_TESTS;
    const r = run(join(project, 'node_modules', '.bin', 'batchwise'), ['conformance'], project, env);
    expect(r.status, tail(r)).toBe(0);
    expect(r.stdout).toContain('conformance: PASS');
    expect(r.stdout).toMatch(/native \[.*\]: \d+\/\d+ cases pass.*ONNX vectors skipped: ONNX test vectors not found \(they are not shipped/);
    expect(r.stdout).toMatch(/onnx:Conv\s+skipped 1\s+skipped 1/);
  });
});

describe('backend-native where no prebuilt binary matches the platform', () => {
  let tarball: string;
  beforeAll(async () => {
    tarball = await tarballWithout(tgz('backend-native'), ['prebuilds'], join(work, 'backend-native-without-prebuilds.tgz'));
  });

  it('with CMake and a compiler, the install builds the addon from the shipped sources and it loads', () => {
    const project = freshProject(work, 'source-build');
    const install = npmInstall(project, [tgz('core'), tgz('backend-cpu'), tarball]);
    expect(install.status, tail(install)).toBe(0);
    expect(install.stdout).toContain('[backend-native] no prebuilt addon loads');
    expect(install.stdout).toContain('[backend-native] addon built in');
    const got = nodeJson(project, ADDON_STATUS) as { active: string; addon: string };
    expect(got.active).toBe('native');
    expect(got.addon).toBe(join(project, 'node_modules', '@batchwise', 'backend-native', 'build', 'Release', 'batchwise_native.node'));
  });

  it('without a compiler, the install still succeeds and batchwise falls back to cpu with a one-line reason', () => {
    const project = freshProject(work, 'no-compiler');
    const env = { ...process.env, PATH: pathWithoutCompiler(work) };
    const install = npmInstall(project, [tgz('core'), tgz('backend-cpu'), tarball], env);
    expect(install.status, tail(install)).toBe(0);
    expect(install.stderr).toContain('[backend-native] native build failed');
    const got = nodeJson(project, ADDON_STATUS) as { active: string; addon: null; native: { available: boolean; reason: string } };
    expect(got.active).toBe('cpu');
    expect(got.addon).toBeNull();
    expect(got.native.available).toBe(false);
    const platform = `${process.platform}-${process.arch}${process.platform === 'linux' ? ' (glibc)' : ''}`;
    expect(got.native.reason).toMatch(new RegExp(
      `^no prebuilt native addon for ${platform.replace(/[()]/g, '\\$&')} \\(prebuilt: none\\), and building it at install failed: .+; ` +
        'to use it, install CMake >= 3\\.15 and a C\\+\\+17 compiler \\(g\\+\\+ or clang\\+\\+\\), then run `npm rebuild @batchwise/backend-native`\\.$',
    ));
    expect(got.native.reason).not.toContain('\n');
  });

  it('with install scripts disabled (pnpm 10, npm 11 global installs), the reason says the script did not run', () => {
    const project = freshProject(work, 'no-scripts');
    const install = npmInstall(project, ['--ignore-scripts', tgz('core'), tgz('backend-cpu'), tarball]);
    expect(install.status, tail(install)).toBe(0);
    const got = nodeJson(project, ADDON_STATUS) as { active: string; native: { reason: string } };
    expect(got.active).toBe('cpu');
    expect(got.native.reason).toContain(
      'and none was built at install (its install script did not run: pnpm, and npm for global installs, run them only for packages you allow); to use it,',
    );
  });
});
