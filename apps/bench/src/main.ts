#!/usr/bin/env node
import { buildProgram } from './cli/program.js';

/*
 * Entry of @batchwise/bench: `node dist/main.js [part] [flags]` (the root
 * script `pnpm bench` builds first). Speed is reported, never asserted: the
 * exit code is non-zero only when the harness itself fails.
 */

buildProgram()
  .parseAsync(process.argv)
  .then(
    // onnxruntime and tfjs keep handles open; the report is written, so leave explicitly.
    () => process.exit(0),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
