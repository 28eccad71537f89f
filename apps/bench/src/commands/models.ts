import os from 'node:os';
import { loadBatchwiseBackend } from '../contenders/batchwise.js';
import { CPU_PACKAGE, NATIVE_PACKAGE, WASM_PACKAGE } from '../contenders/all.js';
import { tfjsContender } from '../contenders/tfjs.js';
import { listFlag, type ParsedArgs } from '../cli-args.js';
import { machineInfo, packageVersion } from '../machine/info.js';
import { measureInterleaved, MEASURE_DEFAULTS, type Entry, type MeasureOptions } from '../measure.js';
import { batchwiseModelContender, tfjsModelContender, type ModelContender, type ThreadSetting } from '../models/contenders.js';
import { MODEL_CASES, type LayersApi } from '../models/definitions.js';
import { onnxModelContender, type OnnxExporter } from '../models/onnx-contender.js';
import { onnxVersion } from '../contenders/onnx.js';
import { writeResults } from '../results.js';
import { speedup, type Sample } from '../stats.js';
import { formatNumber, formatPercent, formatRatio, formatTable } from '../table.js';
import { firstLine } from '../errors.js';

/*
 * `bench models`: whole training steps and predictions in images per second,
 * @batchwise/layers against tfjs-layers and (predictions) onnxruntime running
 * the same models exported by @batchwise/onnx, interleaved like the kernels.
 */

export const MODELS_FLAGS = ['slow', 'no-write', 'quick', 'only'] as const;

const MODEL_MEASURE: MeasureOptions = { ...MEASURE_DEFAULTS, targetMs: 1000, maxRuns: 20 };
/** A smoke run: the project minimum of 5 timed runs, one warm-up. */
const QUICK: MeasureOptions = { ...MEASURE_DEFAULTS, warmup: 1, targetMs: 0, maxRuns: 5 };

type Cell = { sample: Sample; note?: string } | { unavailable: string };

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

async function loadExporter(): Promise<{ exporter?: OnnxExporter; reason?: string }> {
  try {
    const specifier: string = '@batchwise/onnx';
    return { exporter: (await import(specifier)) as OnnxExporter };
  } catch (e) {
    return { reason: `cannot import @batchwise/onnx: ${firstLine(e)}` };
  }
}

export async function modelsCommand(args: ParsedArgs): Promise<void> {
  const started = new Date();
  const info = machineInfo();
  // Importing the backend packages registers them with core's registry, which the layers use.
  const native = await loadBatchwiseBackend(NATIVE_PACKAGE, 'createNativeBackend');
  const wasm = await loadBatchwiseBackend(WASM_PACKAGE, 'createWasmBackend');
  const cpu = await loadBatchwiseBackend(CPU_PACKAGE, 'createCpuBackend');
  const layers = await loadLayers();
  const onnx = await loadExporter();
  await tfjsContender('cpu');
  await tfjsContender('wasm');
  const threads = os.availableParallelism();
  const onnxDeps = { api: layers.api, exporter: onnx.exporter, backendName: native.backend ? 'native' : 'cpu', reason: layers.reason ?? onnx.reason };
  // native and wasm at all threads and at 1 (set before every run): wasm's share of native is compared at the same count.
  const at = (controls: ThreadSetting['controls'] | undefined, count: number): ThreadSetting | undefined => (controls ? { count, controls } : undefined);
  const nativeApi = native.backend ? layers.api : undefined, nativeReason = native.reason ?? layers.reason;
  const wasmApi = wasm.backend ? layers.api : undefined, wasmReason = wasm.reason ?? layers.reason;
  const all: ModelContender[] = [
    batchwiseModelContender('native', nativeApi, nativeReason, at(native.native, threads), false),
    batchwiseModelContender('native', nativeApi, nativeReason, at(native.native, 1)),
    batchwiseModelContender('wasm', wasmApi, wasmReason, at(wasm.native, threads), false),
    batchwiseModelContender('wasm', wasmApi, wasmReason, at(wasm.native, 1)),
    batchwiseModelContender('cpu', cpu.backend ? layers.api : undefined, cpu.reason ?? layers.reason),
    tfjsModelContender('wasm', args.flags.has('slow')),
    tfjsModelContender('cpu', args.flags.has('slow')),
    onnxModelContender(1, onnxDeps),
    ...(threads > 1 ? [onnxModelContender(threads, onnxDeps)] : []),
  ];
  const only = listFlag(args.flags, 'only');
  const unknown = only?.filter((id) => !all.some((k) => k.id === id)) ?? [];
  if (unknown.length > 0) throw new Error(`bench models: --only must list ids from ${all.map((k) => k.id).join(', ')}, received '${unknown.join(', ')}'.`);
  const contenders = only ? all.filter((k) => only.includes(k.id)) : all;
  const ortAll = `ort-${threads}t`;
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
    const outcomes = await measureInterleaved(entries, args.flags.has('quick') ? QUICK : MODEL_MEASURE);
    for (const [id, o] of outcomes) {
      const note = entries.find((e) => e.id === id)?.prepared.note;
      cells.set(id, 'error' in o ? { unavailable: o.error } : { sample: o, ...(note ? { note } : {}) });
    }
    for (const e of entries) e.prepared.dispose?.();
    table.set(c.id, cells);
    log(`${c.label}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }

  const ms = (caseId: string, id: string) => {
    const cell = table.get(caseId)?.get(id);
    return cell && 'sample' in cell ? cell.sample.medianMs : undefined;
  };
  const headers = [
    'model', 'batch', ...contenders.map((k) => `${k.label} ms (img/s)`),
    'native vs tfjs-wasm', 'native vs tfjs-cpu', 'native vs cpu', `native vs ort ${threads}t`,
    'wasm vs tfjs-wasm', 'wasm 1t vs tfjs-wasm', 'wasm share of native', 'wasm 1t share of native 1t',
  ];
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
    formatRatio(speedup(ms(c.id, 'batchwise-native'), ms(c.id, ortAll))),
    formatRatio(speedup(ms(c.id, 'batchwise-wasm'), ms(c.id, 'tfjs-wasm'))),
    formatRatio(speedup(ms(c.id, 'batchwise-wasm-1t'), ms(c.id, 'tfjs-wasm'))),
    formatPercent(speedup(ms(c.id, 'batchwise-wasm'), ms(c.id, 'batchwise-native'))),
    formatPercent(speedup(ms(c.id, 'batchwise-wasm-1t'), ms(c.id, 'batchwise-native-1t'))),
  ]);
  const notes = MODEL_CASES.flatMap((c) =>
    contenders.flatMap((k) => {
      const cell = table.get(c.id)?.get(k.id);
      if (cell && 'unavailable' in cell) return [`- ${k.label} ${c.label}: n/a: ${cell.unavailable}`];
      return cell && 'note' in cell && cell.note ? [`- ${k.label} ${c.label}: ${cell.note}`] : [];
    }),
  );
  const text = [
    `CPU: ${info.cpu} (${info.hardwareThreads} hardware threads), Node ${info.node}; batchwise native and wasm use all threads (1t: one), ort as labelled, the others one.`,
    `Load average (1 min) at start: ${info.loadAverage.toFixed(2)}, at end: ${os.loadavg()[0].toFixed(2)}`,
    `Versions: @batchwise/layers ${packageVersion('@batchwise/layers')}, @tensorflow/tfjs-layers ${packageVersion('@tensorflow/tfjs-layers')}, onnxruntime-node ${onnxVersion()} (CPU EP, models exported by @batchwise/onnx)`,
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
