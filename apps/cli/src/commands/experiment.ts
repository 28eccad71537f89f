import { getBackend } from '@batchwise/core';
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { action, addBackendOption, addJsonOption, type CliEnv } from '../cli/program.js';
import { SEED_FLAG, type ExperimentOptions } from '../experiments/common.js';
import { derivedFields } from '../experiments/docs.js';
import { reproduceCommand } from '../experiments/reproduce.js';
import { EXPERIMENTS } from '../experiments/index.js';
import { writeFileAtomic } from '../report/atomic-write.js';
import { compactJson, readStoredRun } from '../experiments/stored-run.js';
import { writeReport } from '../report/html-report.js';
import { renderPlot } from '../report/render-plot.js';
import { registerExperimentDocs } from './experiment-docs.js';

/** `batchwise experiment <name>`: the article's claims, measured, each with an HTML report and a written conclusion. */
export function registerExperiment(program: Command, env: CliEnv): void {
  const group = program
    .command('experiment')
    .description(`measure a claim about Batch Norm and write an HTML report: ${EXPERIMENTS.map((e) => e.name).join(', ')}`);
  for (const exp of EXPERIMENTS) {
    const cmd = group.command(exp.name).description(exp.description);
    exp.configure(cmd);
    cmd.option(SEED_FLAG.flags, SEED_FLAG.help, SEED_FLAG.parse, SEED_FLAG.default);
    cmd.option('--out <dir>', `directory for report.html, ${exp.name}.svg and metrics.json (default: runs/experiment-${exp.name}-<timestamp>, or the --from folder)`);
    cmd.option('--from <dir>', 'rebuild the report from the measurements in <dir>/metrics.json instead of training (every other flag is ignored)');
    addBackendOption(cmd);
    addJsonOption(cmd).action(
      action(env, async (o: ExperimentOptions & { from?: string }, out) => {
        const from = o.from === undefined ? null : readStoredRun(resolve(env.cwd, o.from), exp.name);
        const dir = o.out ? resolve(env.cwd, o.out) : from ? from.dir : join(env.cwd, 'runs', `experiment-${exp.name}-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-')}`);
        const t0 = performance.now();
        const raw = from ? from.raw : await exp.run(o, out);
        const seconds = from ? from.seconds : (performance.now() - t0) / 1000;
        const backend = from ? from.backend : getBackend().name;
        const command = from ? from.command : reproduceCommand(exp.name, cmd, o);
        const r = exp.report(raw);
        const settings: [string, string][] = [...raw.settings, ['backend', backend], ['reproduce', command]];
        const report = await writeReport(join(dir, 'report.html'), {
          title: r.title, summary: r.summary, meta: [...settings, ['duration', `${seconds.toFixed(1)} s`]], sections: r.sections, conclusion: r.conclusion,
        });
        const plot = join(dir, `${exp.name}.svg`);
        await writeFileAtomic(plot, `${(await renderPlot(r.mainPlot)).svg}\n`);
        const derived = derivedFields(r);
        const result = {
          experiment: exp.name, title: derived.title, claim: derived.claim, headline: derived.headline, settings: Object.fromEntries(settings), command, report, plot, seconds,
          conclusion: derived.conclusion, tables: derived.tables, metrics: derived.metrics, raw,
        };
        // The file beside the report names its siblings relatively, so a report folder can be moved or committed.
        await writeFileAtomic(join(dir, 'metrics.json'), compactJson({ ...result, report: basename(report), plot: basename(plot) }));
        out.result(result, () => [r.headline, '', ...r.conclusion, '', `report: ${report}`, `plot:   ${plot}`].join('\n'));
      }),
    );
  }
  registerExperimentDocs(group, env);
}
