import { describe, expect, it } from 'vitest';
import { checkTarball } from '../src/pack/check-tarball.js';
import type { TarballContents, TarballEntry } from '../src/pack/tarball-contents.js';

/*
 * The tarball rules on made-up contents: a good package passes, and each
 * problem of issue 13 planted in it is named.
 */

const LICENSE = 'Apache License\nVersion 2.0\n';

const manifest = {
  name: '@batchwise/example',
  version: '0.1.0',
  exports: {
    '.': { types: './dist/index.d.ts', import: './dist/index.js', default: './dist/index.js' },
    './package.json': './package.json',
  },
  bin: { example: './bin/example.js' },
  files: ['bin', 'dist', '!dist/.tsbuildinfo', 'src', 'README.md'],
  dependencies: { '@batchwise/core': '0.1.0' },
};

const file = (text?: string, mode = 0o644): TarballEntry => ({ mode, size: text?.length ?? 10, ...(text === undefined ? {} : { text }) });

function goodPackage(): TarballContents {
  return new Map<string, TarballEntry>([
    ['package.json', file(JSON.stringify(manifest))],
    ['LICENSE', file(LICENSE)],
    ['README.md', file()],
    ['bin/example.js', file(undefined, 0o755)],
    ['dist/index.js', file()],
    ['dist/index.d.ts', file()],
    ['dist/index.js.map', file(JSON.stringify({ version: 3, sources: ['../src/index.ts'] }))],
    ['src/index.ts', file()],
  ]);
}

function withManifest(change: (m: typeof manifest) => object): TarballContents {
  const c = goodPackage();
  c.set('package.json', file(JSON.stringify(change(structuredClone(manifest)))));
  return c;
}

describe('checkTarball', () => {
  it('passes a package with built files, sources for its maps, a LICENSE and require-able exports', () => {
    expect(checkTarball(goodPackage(), LICENSE)).toEqual([]);
  });

  it.each([
    ['dist/.tsbuildinfo', 'dist/.tsbuildinfo is a TypeScript build-info file'],
    ['test/model.test.ts', 'test/model.test.ts is a test, coverage, dependency or turbo cache file'],
    ['.turbo/turbo-build.log', '.turbo/turbo-build.log is a test, coverage, dependency or turbo cache file'],
    ['dist/model.test.js', 'dist/model.test.js is a test file'],
    ['tsconfig.json', 'tsconfig.json is a build or test config of the repository'],
    ['vitest.config.ts', 'vitest.config.ts is a build or test config of the repository'],
  ])('names a shipped %s', (path, problem) => {
    const c = goodPackage();
    c.set(path, file());
    expect(checkTarball(c, LICENSE)).toEqual([problem]);
  });

  it('names a missing or different LICENSE and a missing README', () => {
    const c = goodPackage();
    c.delete('LICENSE');
    c.delete('README.md');
    expect(checkTarball(c, LICENSE)).toEqual(['LICENSE is missing', 'README.md is missing', 'files lists README.md, which is not in the tarball']);
    c.set('LICENSE', file('MIT'));
    c.set('README.md', file());
    expect(checkTarball(c, LICENSE)).toEqual(["LICENSE differs from the repository's LICENSE"]);
  });

  it('names a workspace: range left by a packer other than pnpm', () => {
    const c = withManifest((m) => ({ ...m, dependencies: { '@batchwise/core': 'workspace:*' } }));
    expect(checkTarball(c, LICENSE)).toEqual(["package.json dependencies.@batchwise/core is 'workspace:*': it was not packed by pnpm"]);
  });

  it('names an unbuilt package: exports and files that point at nothing', () => {
    const c = goodPackage();
    c.delete('dist/index.js');
    c.delete('dist/index.d.ts');
    c.delete('dist/index.js.map');
    expect(checkTarball(c, LICENSE)).toEqual([
      'exports names ./dist/index.d.ts, which is not in the tarball (not built?)',
      'exports names ./dist/index.js, which is not in the tarball (not built?)',
      'exports names ./dist/index.js, which is not in the tarball (not built?)',
      'files lists dist, which is not in the tarball',
    ]);
  });

  it('names a private #import whose target is missing (a package dependency name is not a file)', () => {
    const c = withManifest((m) => ({ ...m, imports: { '#files': { node: './dist/files-node.js', default: './dist/index.js' }, '#dep': 'some-package' } }));
    expect(checkTarball(c, LICENSE)).toEqual(['imports names ./dist/files-node.js, which is not in the tarball (not built?)']);
  });

  it("names an 'import' condition that require() cannot use", () => {
    const c = withManifest((m) => ({ ...m, exports: { '.': { types: './dist/index.d.ts', import: './dist/index.js' } } }));
    expect(checkTarball(c, LICENSE)).toEqual(["exports['.'] has 'import' but no 'default' or 'require': require() cannot load it"]);
  });

  it('names a bin without its execute bit, or missing', () => {
    const c = goodPackage();
    c.set('bin/example.js', file(undefined, 0o644));
    expect(checkTarball(c, LICENSE)).toEqual(['bin ./bin/example.js is not executable (mode 644)']);
    c.delete('bin/example.js');
    expect(checkTarball(c, LICENSE)).toEqual(['bin ./bin/example.js is not in the tarball', 'files lists bin, which is not in the tarball']);
  });

  it('names a source map whose sources are not shipped', () => {
    const c = goodPackage();
    c.delete('src/index.ts');
    expect(checkTarball(c, LICENSE)).toEqual([
      'files lists src, which is not in the tarball',
      'dist/index.js.map points to ../src/index.ts, which is not in the tarball',
    ]);
  });
});
