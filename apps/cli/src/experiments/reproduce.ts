import type { Command } from 'commander';

/*
 * The command line that reproduces a run: every option of the subcommand
 * with the value it had, defaults included (a later change of a default
 * must not change what a committed command means). --json only changes the
 * output's form, so it is left out.
 */

const LEFT_OUT = new Set(['json']);

function valueText(v: unknown): string {
  if (Array.isArray(v)) return v.join(',');
  return String(v);
}

/** `node apps/cli/dist/main.js experiment <name> --flag value ...`, run from the repository root. */
export function reproduceCommand(name: string, cmd: Command, values: object): string {
  const o = values as Record<string, unknown>;
  const parts = ['node apps/cli/dist/main.js experiment', name];
  for (const option of cmd.options) {
    const key = option.attributeName();
    if (LEFT_OUT.has(key) || o[key] === undefined || option.long === undefined) continue;
    if (option.isBoolean()) {
      if (o[key] === true) parts.push(option.long);
      continue;
    }
    const text = valueText(o[key]);
    parts.push(option.long, /^[\w.,:/+-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`);
  }
  return parts.join(' ');
}
