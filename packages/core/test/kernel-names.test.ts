import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { KERNEL_NAMES } from '../src/index.js';

/*
 * KERNEL_NAMES must list every kernel of the Backend interface, checked by the
 * compiler (backend.ts). Type-checks backend.ts in memory, as written and with
 * one kernel dropped from the list: the second must fail, naming that kernel.
 */

const BACKEND = fileURLToPath(new URL('../src/backend.ts', import.meta.url));

function diagnostics(backendSource: string): string[] {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  host.readFile = (file) => (file === BACKEND ? backendSource : read(file));
  const getSource = host.getSourceFile.bind(host);
  host.getSourceFile = (file, version, onError) =>
    file === BACKEND ? ts.createSourceFile(file, backendSource, version) : getSource(file, version, onError);
  const program = ts.createProgram([BACKEND], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('KERNEL_NAMES is complete at compile time', () => {
  const source = readFileSync(BACKEND, 'utf8');

  it('compiles as written', () => {
    expect(diagnostics(source)).toEqual([]);
  });

  it('fails to compile, naming the kernel, when the list leaves one out', () => {
    const dropped = KERNEL_NAMES[KERNEL_NAMES.length - 1];
    const without = source.replace(`, '${dropped}',\n] as const`, `,\n] as const`);
    expect(without).not.toBe(source);
    const errors = diagnostics(without);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join('\n')).toContain(`unlisted: "${dropped}"`);
  });
});
