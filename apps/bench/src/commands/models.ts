import os from 'node:os';
import { loadBatchwiseBackend } from '../contenders/batchwise.js';
import { CPU_PACKAGE, NATIVE_PACKAGE } from '../contenders/all.js';
import { tfjsContender } from '../contenders/tfjs.js';
import type { ParsedArgs } from '../cli-args.js';
import { machineInfo, packageVersion } from '../machine/info.js';
import { measureInterleaved, MEASURE_DEFAULTS, type Entry } from '../measure.js';
import { batchwiseModelContender, tfjsModelContender, type ModelContender } from '../models/contenders.js';
import { MODEL_CASES, type LayersApi } from '../models/definitions.js';
import { writeResults } from '../results.js';
import { speedup, type Sample } from '../stats.js';
import { formatNumber, formatRatio, formatTable } from '../table.js';
import { firstLine } from '../errors.js';

/*
 * `bench models`: whole training steps and predictions in images per second,
 * @batchwise/layers against tfjs-layers, interleaved like the kernels.
 */

export const MODELS_FLAGS = ['slow', 'no-write'] as const;

type Cell = { sample: Sample } | { unavailable: string };

const log = (s: string) => process.stderr.write(`${s}\n`);

async function loadLayers(): Promise<{ api?: LayersApi; reason?: string }> {
  try {
    const specifier: string = '@batchwise/layers';
    const mod = (await import(specifier)) as LayersApi;
    return { api: mod };
  } catch (e) {
    return { reason: `cannot import @batchwise/layers: ${firstLine(e)}` };
  }
}

export async function modelsCommand(args: ParsedArgs): Promise<void> {
  const started = new Date();
  const info = machineInfo();
  // Importing the backend packages registers them with core's registry, which the layers use.
  const native = await loadBatchwiseBackend(NATIVE_PACKAGE, 'createNativeBackend');
  const cpu = await loadBatchwiseBackend(CPU_PACKAGE, 'createCpuBackend');
  const layers = await loadLayers();
  await tfjsContender('cpu');
  await tfjsContender('wasm');
  const contenders: ModelContender[] = [
    batchwiseModelContender('native', native.backend ? layers.api : undefined, native.reason ?? layers.reason),
    batchwiseModelContender('cpu', cpu.backend ? layers.api : undefined, cpu.reason ?? layers.reason),
    tfjsModelContender('wasm', args.flags.has('slow')),
    tfjsModelContender('cpu', args.flags.has('slow')),
  ];
  const table = new Map<string, Map<string, Cell>>();
  for (const c of MODEL_CASES) {
    const cells = new Map<string, Cell>();
    const entries: Entry[] = [];
    for (const k of contenders) {
      const prepared = await k.prepare(c);
      if ('unavailable' in prepared) cells.set(k.id, prepared);
      else entries.push({ id: k.id, prepared, maxRuns: k.maxRuns });
    }
    const t0 = performance.now();
    const outcomes = await measureInterleaved(entries, { ...MEASURE_DEFAULTS, targetMs: 1000, maxRuns: 20 });
    for (const [id, o] of outcomes) cells.set(id, 'error' in o ? { unavailable: o.error } : { sample: o });
    for (const e of entries) e.prepared.dispose?.();
    table.set(c.id, cells);
    log(`${c.label}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }

  const ms = (caseId: string, id: string) => {
    const cell = table.get(caseId)?.get(id);
    return cell && 'sample' in cell ? cell.sample.medianMs : undefined;
  };
  const headers = ['model', 'batch', ...contenders.map((k) => `${k.label} ms (img/s)`), 'native vs tfjs-wasm', 'native vs tfjs-cpu', 'native vs cpu'];
  const rows = MODEL_CASES.map((c) => [
    c.label,
    String(c.batch),
    ...contenders.map((k) => {
      const m = ms(c.id, k.id);
      return m === undefined ? 'n/a' : `${formatNumber(m)} (${formatNumber((c.batch / m) * 1000)})`;
    }),
    formatRatio(speedup(ms(c.id, 'batchwise-native'), ms(c.id, 'tfjs-wasm'))),
    formatRatio(speedup(ms(c.id, 'batchwise-native'), ms(c.id, 'tfjs-cpu'))),
    formatRatio(speedup(ms(c.id, 'batchwise-native'), ms(c.id, 'batchwise-cpu'))),
  ]);
  const notes = MODEL_CASES.flatMap((c) =>
    contenders.flatMap((k) => {
      const cell = table.get(c.id)?.get(k.id);
      return cell && 'unavailable' in cell ? [`- ${k.label} ${c.label}: n/a: ${cell.unavailable}`] : [];
    }),
  );
  const text = [
    `CPU: ${info.cpu} (${info.hardwareThreads} hardware threads), Node ${info.node}; batchwise native uses all threads, the others one.`,
    `Load average (1 min) at start: ${info.loadAverage.toFixed(2)}, at end: ${os.loadavg()[0].toFixed(2)}`,
    `Versions: @batchwise/layers ${packageVersion('@batchwise/layers')}, @tensorflow/tfjs-layers ${packageVersion('@tensorflow/tfjs-layers')}`,
    '',
    '### Models: median ms per call (images/s)',
    '',
    formatTable(headers, rows, ['left']),
    '',
    ...notes,
  ].join('\n');
  console.log(text);
  if (!args.flags.has('no-write')) {
    const json = {
      benchmark: 'models',
      started: started.toISOString(),
      machine: info,
      cases: MODEL_CASES,
      results: Object.fromEntries([...table].map(([k, v]) => [k, Object.fromEntries(v)])),
    };
    const files = await writeResults('models', started, json, `# bench models, ${started.toISOString()}\n\n${text}`);
    log(`wrote ${files.join(', ')}`);
  }
}
