import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Runs a fixture script in a fresh node process and returns its exit status and output. */
export function runFixture(script: string, args: string[] = [], env: Record<string, string> = {}, nodeFlags: string[] = []) {
  const path = fileURLToPath(new URL(`./fixtures/${script}`, import.meta.url));
  const result = spawnSync(process.execPath, [...nodeFlags, path, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 120_000,
  });
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}
