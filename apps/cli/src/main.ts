#!/usr/bin/env node
import { runCli } from './cli/program.js';
import { COMMANDS } from './commands/index.js';

/*
 * The `batchwise` executable. Everything lives in runCli so tests can run
 * command lines in-process; this file only maps its result to the exit code.
 * process.exitCode (not process.exit) lets pending writes to a pipe finish.
 */
process.exitCode = await runCli(process.argv.slice(2), COMMANDS);
