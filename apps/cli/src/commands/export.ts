import { saveOnnx, toOnnxGraph, EXPORT_OPSET } from '@batchwise/onnx';
import { FileError } from '@batchwise/layers';
import { Option, type Command } from 'commander';
import { dirname, join } from 'node:path';
import { selectBackend } from '../cli/backend-setup.js';
import { CliError, describeFileError, fileCliError, oneLine } from '../cli/errors.js';
import { action, addJsonOption, type CliEnv } from '../cli/program.js';
import { loadSavedModel, modelJsonPath } from '../training/model-source.js';

/*
 * `batchwise export <model> --format onnx --out model.onnx`: a saved model
 * (run directory or model.json) as an ONNX file for ONNX Runtime, through
 * @batchwise/onnx. The model's NHWC input layout and names are kept.
 */

export const EXPORT_FORMATS = ['onnx'] as const;

interface ExportOptions {
  format: (typeof EXPORT_FORMATS)[number];
  out?: string;
  keepBatchNorm?: boolean;
  json?: boolean;
}

export function registerExport(program: Command, env: CliEnv): void {
  const cmd = program
    .command('export')
    .description('export a saved model to another format (ONNX, for ONNX Runtime)')
    .argument('<model>', 'run directory or model.json of a saved model')
    .addOption(new Option('--format <format>', 'output format').choices(EXPORT_FORMATS).default('onnx'))
    .option('--out <file>', 'output file (default: model.onnx beside model.json)')
    .option('--keep-batch-norm', 'keep every BatchNormalization as a node (default: fold those after a Conv2D or Dense into it)');
  addJsonOption(cmd).action(
    action(env, async (o: ExportOptions, out, _cmd, args) => {
      await selectBackend(undefined);
      const model = await loadSavedModel(args[0]);
      const file = o.out ?? join(dirname(modelJsonPath(args[0])), 'model.onnx');
      const options = { foldBatchNorm: o.keepBatchNorm !== true };
      let graph;
      try {
        graph = toOnnxGraph(model, options);
      } catch (e) {
        throw new CliError(`${args[0]}: cannot export to ONNX: ${oneLine(e).replace(/^toOnnx: /, '')}`);
      }
      const saved = await saveOnnx(model, file, options).catch((e: unknown) => {
        // saveOnnx's FileError already names the path and the cause.
        throw e instanceof FileError ? fileCliError(e) : new CliError(describeFileError(file, e));
      });
      const ops = new Map<string, number>();
      for (const n of graph.nodes) ops.set(n.opType, (ops.get(n.opType) ?? 0) + 1);
      const result = {
        model: args[0], format: o.format, out: saved.path, bytes: saved.bytes, opset: EXPORT_OPSET, foldBatchNorm: options.foldBatchNorm,
        inputs: graph.inputs, outputs: graph.outputs, nodes: Object.fromEntries(ops),
      };
      out.result(result, () => {
        const shape = (s: readonly unknown[] | undefined) => `[${(s ?? []).join(',')}]`;
        return [
          `wrote ${saved.path} (${saved.bytes} bytes, ONNX opset ${EXPORT_OPSET})`,
          `inputs: ${graph.inputs.map((i) => `${i.name} ${shape(i.shape)}`).join(', ')} (NHWC, as model.predict)`,
          `outputs: ${graph.outputs.map((i) => `${i.name} ${shape(i.shape)}`).join(', ')}`,
          `nodes: ${[...ops].map(([k, v]) => `${k} ${v}`).join(', ')}`,
        ].join('\n');
      });
    }),
  );
}
