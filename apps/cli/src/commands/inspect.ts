import { inspectBatchNorm, setWarningHandler, type BatchNormInspection } from '@batchwise/layers';
import { Option, type Command } from 'commander';
import { dirname, join } from 'node:path';
import { loadDataSource, DATA_HELP } from '../bn-tools/data-source.js';
import { checkTable } from '@batchwise/layers';
import { checkLine, inspectReport, LAYER_HEADER, layerRows } from '../bn-tools/inspect-report.js';
import { selectBackend } from '../cli/backend-setup.js';
import { CliError, describeFileError, oneLine } from '../cli/errors.js';
import { formatTable } from '../cli/output.js';
import { parsePositiveInt } from '../cli/parse.js';
import { action, addBackendOption, addJsonOption, addLimitOption, type CliEnv } from '../cli/program.js';
import { loadSavedModel, modelJsonPath } from '../training/model-source.js';
import { writeReport } from '../report/html-report.js';

/*
 * `batchwise inspect <model> --data ...`: every batch norm of a saved model
 * against data (@batchwise/layers' inspectBatchNorm), as tables and an HTML
 * report with plots per layer and feature.
 */

interface InspectOptions {
  data: string;
  split: 'train' | 'test';
  limit?: number;
  batchSize: number;
  batches?: number;
  report?: string;
  backend?: string;
  json?: boolean;
}

export const INSPECT_CLI_DEFAULTS = { data: 'fashion-mnist', split: 'train', batchSize: 256 } as const;

/** Float64Arrays as plain lists, so --json prints numbers. */
function toJson(r: BatchNormInspection): unknown {
  return JSON.parse(JSON.stringify(r, (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v)));
}

export function registerInspect(program: Command, env: CliEnv): void {
  const cmd = program
    .command('inspect')
    .description("check a saved model's batch norms against data: moving vs data statistics per feature, dead and exploding features, train vs inference mode; writes an HTML report")
    .argument('<model>', 'run directory or model.json')
    .option('--data <source>', DATA_HELP, INSPECT_CLI_DEFAULTS.data)
    .addOption(new Option('--split <split>', 'dataset split for --data').choices(['train', 'test']).default(INSPECT_CLI_DEFAULTS.split))
    .option('--batch-size <n>', 'examples per forward pass (and the batch the train/eval check runs on)', parsePositiveInt, INSPECT_CLI_DEFAULTS.batchSize)
    .option('--batches <n>', 'use at most <n> batches (default: all)', parsePositiveInt)
    .option('--report <file>', 'HTML report (default: batch-norm-report.html beside model.json)');
  addLimitOption(cmd, 'examples');
  addBackendOption(cmd);
  addJsonOption(cmd).action(
    action(env, async (o: InspectOptions, out, _cmd, args) => {
      const backend = await selectBackend(o.backend);
      const model = await loadSavedModel(args[0]);
      const data = await loadDataSource(o.data, o.split, o.limit, model, args[0]);
      const previous = setWarningHandler((w) => out.warn(w));
      let r: BatchNormInspection;
      try {
        r = inspectBatchNorm(model, data.x, { batchSize: o.batchSize, ...(o.batches ? { batches: o.batches } : {}) });
      } catch (e) {
        throw new CliError(`${args[0]}: cannot inspect: ${oneLine(e)}`);
      } finally {
        setWarningHandler(previous);
      }
      if (r.layers.length === 0) throw new CliError(`${args[0]}: the model has no BatchNormalization layer to inspect`);
      const reportPath = o.report ?? join(dirname(modelJsonPath(args[0])), 'batch-norm-report.html');
      const meta: [string, string][] = [['model', args[0]], ['data', data.label], ['batches', `${r.batches} of ${o.batchSize}`], ['backend', backend.name]];
      await writeReport(reportPath, inspectReport(r, args[0], data.label, meta)).catch((e: unknown) => {
        throw new CliError(describeFileError(reportPath, e));
      });
      out.result({ model: args[0], data: data.label, backend: backend.name, report: reportPath, ...(toJson(r) as object) }, () =>
        [
          `${args[0]} on ${data.label}, ${r.batches} batches of ${o.batchSize}, ${backend.name} backend`,
          '',
          'data statistics (inference-mode input, all examples) vs moving statistics:',
          formatTable(LAYER_HEADER, layerRows(r)),
          '',
          `${checkLine(r)}:`,
          formatTable(checkTable(r.check).header, checkTable(r.check).rows),
          ...r.check.layers.flatMap((l) => l.causes.map((c) => `  ${l.layer}: ${c.message}`)),
          ...r.layers.flatMap((l) => l.flags.map((f) => `  ${f.message}`)),
          '',
          `wrote ${reportPath}`,
        ].join('\n'),
      );
    }),
  );
}
