import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { action, addBackendOption, addJsonOption, type CliEnv } from '../cli/program.js';
import { SEED_FLAG, type ExperimentOptions } from '../experiments/common.js';
import { EXPERIMENTS } from '../experiments/index.js';
import { writeFileAtomic, writeJsonAtomic } from '../report/atomic-write.js';
import { writeReport } from '../report/html-report.js';

/** `batchwise experiment <name>`: the article's claims, measured, each with an HTML report and a written conclusion. */
export function registerExperiment(program: Command, env: CliEnv): void {
  const group = program
    .command('experiment')
    .description(`measure a claim about Batch Norm and write an HTML report: ${EXPERIMENTS.map((e) => e.name).join(', ')}`);
  for (const exp of EXPERIMENTS) {
    const cmd = group.command(exp.name).description(exp.description);
    exp.configure(cmd);
    cmd.option(SEED_FLAG.flags, SEED_FLAG.help, SEED_FLAG.parse, SEED_FLAG.default);
    cmd.option('--out <dir>', `directory for report.html, ${exp.name}.svg and metrics.json (default: runs/experiment-${exp.name}-<timestamp>)`);
    addBackendOption(cmd);
    addJsonOption(cmd).action(
      action(env, async (o: ExperimentOptions, out) => {
        const dir = o.out ? resolve(env.cwd, o.out) : join(env.cwd, 'runs', `experiment-${exp.name}-${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-')}`);
        const t0 = performance.now();
        const r = await exp.run(o, out);
        const seconds = (performance.now() - t0) / 1000;
        const report = await writeReport(join(dir, 'report.html'), {
          title: r.title, summary: r.summary, meta: [...r.meta, ['duration', `${seconds.toFixed(1)} s`]], sections: r.sections, conclusion: r.conclusion,
        });
        const plot = join(dir, `${exp.name}.svg`);
        await writeFileAtomic(plot, `${r.mainPlot}\n`);
        const result = { experiment: exp.name, report, plot, seconds, conclusion: r.conclusion, metrics: r.metrics };
        // The file beside the report names its siblings relatively, so a report folder can be moved or committed.
        await writeJsonAtomic(join(dir, 'metrics.json'), { ...result, report: basename(report), plot: basename(plot) });
        out.result(result, () => [...r.conclusion, '', `report: ${report}`, `plot:   ${plot}`].join('\n'));
      }),
    );
  }
}
