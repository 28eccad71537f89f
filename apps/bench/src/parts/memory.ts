import { execFile } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { torchStartingWeights } from '../accuracy/torch-run.js';
import { loadAccuracyData } from '../accuracy/data.js';
import { ACCURACY_DEFAULTS, ACCURACY_SPEC } from '../accuracy/settings.js';
import { OUR_BACKENDS } from '../contenders/ours.js';
import { firstLine } from '../errors.js';
import { MEMORY_CONTENDERS, MEMORY_DEFAULTS, MEMORY_QUICK, type MemoryFigures, type MemorySettings } from '../memory/figures.js';
import type { PartResult, RunContext } from '../run/context.js';
import { formatNumber, formatTable } from '../table.js';
import { TorchChild } from '../torch/child.js';

/*
 * `bench memory`: each contender in a fresh process (our backends through
 * `main.js memory-child`, PyTorch through a new child), so resident memory is
 * that of one training job: the cnn-bn preset on Fashion-MNIST for one epoch.
 */

const run = promisify(execFile);

function unavailable(contender: string, label: string, reason: string): MemoryFigures {
  return { contender, label, images: 0, steps: 0, rssBeforeBytes: 0, rssPeakBytes: 0, maxRssBytes: 0, unavailable: reason };
}

async function ours(name: string, quick: boolean): Promise<MemoryFigures> {
  const main = fileURLToPath(new URL('../main.js', import.meta.url));
  try {
    const { stdout } = await run(process.execPath, [main, 'memory-child', name, ...(quick ? ['--quick'] : [])], { timeout: 1_800_000, maxBuffer: 1 << 20 });
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as MemoryFigures;
  } catch (e) {
    return unavailable(name, name, firstLine(e));
  }
}

async function torch(s: MemorySettings): Promise<MemoryFigures> {
  const threads = os.availableParallelism();
  const label = `PyTorch ${threads}t`;
  const started = await TorchChild.start(threads);
  if ('unavailable' in started) return unavailable('torch', label, started.unavailable);
  const { child } = started;
  try {
    const data = loadAccuracyData({ ...ACCURACY_DEFAULTS, ...(s.images ? { trainLimit: s.images } : {}), testLimit: 1 });
    const arrays = {
      ...(await torchStartingWeights()),
      trainX: { data: data.trainX.data, shape: data.trainX.shape },
      trainLabels: { data: data.trainLabels, shape: [data.trainLabels.length] },
    };
    const r = await child.withArrays(arrays, (file) =>
      child.request<{ rssBefore: number; rssPeakSampled: number; maxRss: number; steps: number }>('memory', { data: file, spec: ACCURACY_SPEC, layout: 'channels-last', batchSize: ACCURACY_SPEC.trainBatch }),
    );
    return { contender: 'torch', label, images: data.trainX.shape[0], steps: r.steps, rssBeforeBytes: r.rssBefore, rssPeakBytes: r.rssPeakSampled, maxRssBytes: r.maxRss };
  } catch (e) {
    return unavailable('torch', label, firstLine(e));
  } finally {
    await child.close();
  }
}

const mb = (bytes: number | undefined) => (bytes === undefined ? '-' : formatNumber(bytes / 2 ** 20));

export async function runMemoryPart(ctx: RunContext, only?: readonly string[]): Promise<PartResult> {
  const s = ctx.quick ? MEMORY_QUICK : MEMORY_DEFAULTS;
  const wanted = MEMORY_CONTENDERS.filter((id) => !only || only.includes(id));
  ctx.progress.begin('memory', wanted.length);
  const figures: MemoryFigures[] = [];
  for (const id of wanted) {
    figures.push(id === 'torch' ? await torch(s) : await ours(id, ctx.quick));
    ctx.progress.tick(id);
  }
  const ran = figures.filter((f) => !f.unavailable);
  const rows = ran.map((f) => [
    f.label, String(f.images), mb(f.rssBeforeBytes), mb(f.rssPeakBytes), mb(f.rssPeakBytes - f.rssBeforeBytes), mb(f.maxRssBytes),
    formatNumber(f.poolAllocationsPerStep), formatNumber(f.poolReusesPerStep),
    f.arrayBufferBytesPerStep === undefined ? '-' : formatNumber(f.arrayBufferBytesPerStep / 1024),
    f.heapBytesPerStep === undefined ? '-' : formatNumber(f.heapBytesPerStep / 1024),
  ]);
  const markdown = [
    `${ACCURACY_SPEC.label}, batch ${ACCURACY_SPEC.trainBatch}: one epoch on Fashion-MNIST in a fresh process per contender (RSS sampled after every step), then ${s.steadySteps} steady-state steps measured one at a time after a full garbage collection (medians; '-': the runtime has no such counter).`,
    '',
    formatTable(
      ['contender', 'images', 'RSS before MB', 'RSS peak in epoch MB', 'growth MB', 'process max RSS MB', 'new pool buffers / step', 'pool reuses / step', 'new ArrayBuffer KiB / step', 'JS heap KiB / step'],
      rows,
      ['left'],
    ),
    ...figures.filter((f) => f.unavailable).map((f) => `- ${f.label}: n/a: ${f.unavailable}`),
  ].join('\n');
  return { part: 'memory', markdown, data: { settings: s, figures }, charts: [] };
}
