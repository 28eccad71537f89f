#!/usr/bin/env node
import { parseArgs } from './cli-args.js';
import { kernelsCommand, KERNELS_FLAGS } from './commands/kernels.js';
import { modelsCommand, MODELS_FLAGS } from './commands/models.js';
import { isaChild } from './kernels/isa-levels.js';

/*
 * Entry of @batchwise/bench: `node dist/main.js kernels` (the root script
 * `pnpm bench kernels` builds first). Speed is reported, never asserted: the
 * exit code is non-zero only when the harness itself fails.
 */

const USAGE = `usage: node apps/bench/dist/main.js <command> [flags]

commands:
  kernels   kernel timings against tfjs-cpu, tfjs-wasm, onnxruntime and the machine peak
            --only=<ids>      contenders: native-1t,native-2t,wasm-1t,wasm-2t,cpu,tfjs-wasm,tfjs-cpu,ort-1t,ort-2t
            --kernels=<ids>   matMul,conv2d,conv2dBackpropInput,conv2dBackpropFilter,batchNormTraining,
                              batchNormTrainingBackward,batchNormInference,maxPool,maxPoolBackward
            --quick           fewer runs (still the median of 5)
            --no-peak         skip the FMA/triad probe      --no-isa   skip the per-ISA child runs
            --no-write        print only; do not write results/kernels-<date>.json/.md
            --lead-in=<ms>    untimed back-to-back calls before each timed one (default 100; 0 = none)
  models    CNN and MLP with batch norm: trainOnBatch and predict, images/s, batchwise vs tfjs-layers,
            and predict in onnxruntime of the same models exported by @batchwise/onnx
            --only=<ids>      contenders: batchwise-native,batchwise-native-1t,batchwise-wasm,batchwise-wasm-1t,
                              batchwise-cpu,tfjs-wasm,tfjs-cpu,ort-1t,ort-<all>t
            --quick           5 timed runs per cell (a smoke run)
            --slow            include tfjs-cpu CNN training (~40 s per step)
            --no-write        print only`;

async function main(argv: readonly string[]): Promise<void> {
  const command = argv[0] ?? 'help';
  switch (command) {
    case 'kernels':
      return kernelsCommand(parseArgs(argv, KERNELS_FLAGS));
    case 'models':
      return modelsCommand(parseArgs(argv, MODELS_FLAGS));
    case 'isa-child':
      return isaChild();
    case 'help':
    case '--help':
      console.log(USAGE);
      return;
    default:
      throw new Error(`bench: command must be one of kernels, models, help, received '${command}'.\n${USAGE}`);
  }
}

main(process.argv.slice(2)).then(
  // onnxruntime and tfjs keep handles open; the report is written, so leave explicitly.
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
