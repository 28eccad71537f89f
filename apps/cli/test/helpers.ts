import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../src/cli/program.js';
import { COMMANDS } from '../src/commands/index.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs one command line in-process, capturing what it writes. */
export async function run(args: readonly string[], cwd = process.cwd()): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, COMMANDS, {
    streams: { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) },
    cwd,
  });
  return { code, stdout, stderr };
}

/** A fresh temporary directory; remove it with the returned cleanup. */
export function tempDir(prefix = 'batchwise-cli-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
