import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { CliError, oneLine } from '../cli/errors.js';
import { action, type CliEnv } from '../cli/program.js';
import { experimentsPage, groupByExperiment, readmeTable, withReadmeTable, type RunFolder, type StoredMetrics } from '../experiments/docs.js';
import { EXPERIMENTS } from '../experiments/index.js';
import { writeFileAtomic } from '../report/atomic-write.js';

/*
 * `batchwise experiment docs`: writes EXPERIMENTS.md and the README's table
 * from the committed runs (experiments/docs.ts), or with --check says
 * whether the committed pages are what the runs generate.
 */

const REQUIRED: (keyof StoredMetrics)[] = ['experiment', 'title', 'claim', 'headline', 'settings', 'command', 'seconds', 'plot', 'report', 'conclusion', 'tables'];

function readRuns(dir: string): RunFolder[] {
  if (!existsSync(dir)) throw new CliError(`--from: ${dir} does not exist.`);
  const runs: RunFolder[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = join(dir, entry.name, 'metrics.json');
    if (!entry.isDirectory() || !existsSync(file)) continue;
    let metrics: StoredMetrics;
    try {
      metrics = JSON.parse(readFileSync(file, 'utf8')) as StoredMetrics;
    } catch (e) {
      throw new CliError(`${file}: not valid JSON: ${oneLine(e)}`);
    }
    const missing = REQUIRED.filter((k) => metrics[k] === undefined);
    if (missing.length > 0) throw new CliError(`${file}: missing ${missing.join(', ')}; it was written by an older batchwise, so run that experiment again.`);
    runs.push({ dir: join(dir, entry.name), metrics });
  }
  if (runs.length === 0) throw new CliError(`--from: no <run>/metrics.json under ${dir}.`);
  return runs;
}

export function registerExperimentDocs(group: Command, env: CliEnv): void {
  group
    .command('docs')
    .description('write EXPERIMENTS.md and the README table from the committed runs\' metrics.json files')
    .option('--from <dir>', 'folder of run folders', 'docs/experiments')
    .option('--page <file>', 'the page to write', 'apps/cli/EXPERIMENTS.md')
    .option('--readme <file>', 'the README whose marked table to replace', 'README.md')
    .option('--check', 'write nothing; exit 1 if either file differs from what the runs generate')
    .action(action(env, async (o: { from: string; page: string; readme: string; check?: boolean }, out) => {
      const from = resolve(env.cwd, o.from);
      const page = resolve(env.cwd, o.page);
      const readme = resolve(env.cwd, o.readme);
      const groups = groupByExperiment(readRuns(from), EXPERIMENTS.map((e) => e.name));
      const pageText = experimentsPage(groups, dirname(page), from, o.from);
      let readmeText: string;
      try {
        readmeText = withReadmeTable(readFileSync(readme, 'utf8'), readmeTable(groups, dirname(readme)));
      } catch (e) {
        throw new CliError(`${readme}: ${oneLine(e)}`);
      }
      const stale = [[page, pageText], [readme, readmeText]].filter(([file, text]) => !existsSync(file) || readFileSync(file, 'utf8') !== text).map(([file]) => file);
      if (o.check) {
        out.result({ stale }, () => (stale.length === 0 ? 'up to date' : `out of date: ${stale.join(', ')} (run: batchwise experiment docs)`));
        return stale.length === 0 ? 0 : 1;
      }
      await writeFileAtomic(page, pageText);
      await writeFileAtomic(readme, readmeText);
      out.result({ written: [page, readme], runs: groups.flat().length }, () => `wrote ${page} and ${readme} from ${groups.flat().length} runs`);
      return 0;
    }));
}
