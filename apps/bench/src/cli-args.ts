/*
 * Command-line parsing for `node dist/main.js <command> [--flag[=value]]`.
 * Small enough not to need a library; unknown flags are errors so a typo never
 * silently runs the full benchmark.
 */

export interface ParsedArgs {
  command: string;
  flags: Map<string, string | true>;
}

export function parseArgs(argv: readonly string[], known: readonly string[]): ParsedArgs {
  const [command = 'help', ...rest] = argv;
  const flags = new Map<string, string | true>();
  for (const arg of rest) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`bench: arguments must look like --name or --name=value, received '${arg}'.`);
    const [, name, value] = match;
    if (!known.includes(name)) throw new Error(`bench: flag must be one of ${known.map((k) => `--${k}`).join(', ')}, received '--${name}'.`);
    flags.set(name, value ?? true);
  }
  return { command, flags };
}

/** A comma-separated flag value as a list, or undefined when the flag is absent. */
export function listFlag(flags: ParsedArgs['flags'], name: string): string[] | undefined {
  const v = flags.get(name);
  if (v === undefined) return undefined;
  if (v === true) throw new Error(`bench: --${name} needs a value, e.g. --${name}=a,b.`);
  return v.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

/** A non-negative number flag (e.g. --lead-in=100), or undefined when absent. */
export function numberFlag(flags: ParsedArgs['flags'], name: string): number | undefined {
  const v = flags.get(name);
  if (v === undefined) return undefined;
  const n = v === true ? Number.NaN : Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`bench: --${name} needs a number >= 0, e.g. --${name}=25, received '${v === true ? '' : v}'.`);
  return n;
}
