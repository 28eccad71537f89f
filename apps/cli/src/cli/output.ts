/*
 * Where a command's words go. Results go to stdout: as one JSON document with
 * `--json`, as text otherwise. Progress and status lines always go to stderr,
 * so `batchwise ... --json | jq` sees nothing but the JSON.
 */

export interface Output {
  readonly json: boolean;
  /** Writes the command's result: JSON with --json, else the text `render` returns. */
  result(data: unknown, render: () => string): void;
  /** A status line for people (stderr), e.g. "wrote runs/x/report.html". Silent with --json. */
  status(line: string): void;
  /** A warning (stderr), shown in both modes. */
  warn(line: string): void;
}

export interface Streams {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export const processStreams: Streams = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

export function createOutput(json: boolean, streams: Streams = processStreams): Output {
  return {
    json,
    result(data, render) {
      streams.stdout(json ? `${JSON.stringify(data, null, 2)}\n` : ensureNewline(render()));
    },
    status(line) {
      if (!json) streams.stderr(ensureNewline(line));
    },
    warn(line) {
      streams.stderr(ensureNewline(`warning: ${line}`));
    },
  };
}

function ensureNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}

/** Left-aligned text table with a header rule, for human output (the library prints its summaries the same way). */
export { formatTextTable as formatTable } from '@batchwise/layers';
