import os from 'node:os';
import { loadOurBackend, OUR_BACKENDS } from '../contenders/ours.js';
import { onnxVersion } from '../contenders/onnx.js';
import { tfjsContender } from '../contenders/tfjs.js';
import { firstLine } from '../errors.js';
import { packageVersion } from '../machine/info.js';
import { measureInterleaved, MEASURE_DEFAULTS, SMOKE, type Entry, type MeasureOptions } from '../measure.js';
import { batchwiseModelContender, tfjsModelContender, type ModelContender } from '../models/contenders.js';
import type { LayersApi } from '../models/definitions.js';
import { modelFlops } from '../models/flops.js';
import { onnxModelContender, type OnnxExporter } from '../models/onnx-contender.js';
import { renderWasmPeak } from '../report/render.js';
import { modelFigures, renderFlops, renderNotes, renderRatios, renderTimes, type Cell, type ColumnInfo, type ModelTable } from '../models/render.js';
import { MODEL_SPECS, modelCases } from '../models/specs.js';
import { torchModelContender } from '../models/torch-contender.js';
import { modelCharts } from '../report/charts.js';
import type { PartResult, RunContext } from '../run/context.js';

/*
 * `bench models`: training steps and predictions in images per second,
 * @batchwise/layers on our backends against tfjs-layers, onnxruntime (the same
 * models exported by @batchwise/onnx) and PyTorch (the same layers, checked
 * against batchwise before timing), interleaved like the kernels.
 */

export interface ModelsOptions {
  only?: string[];
  /** Adds tfjs-cpu CNN training (seconds to minutes per step). */
  slow: boolean;
}

export const MODELS_DEFAULTS: ModelsOptions = { slow: false };

// A batch-1 predict takes tens of microseconds: each timed run is ~2 ms of back-to-back calls.
const MODEL_MEASURE: MeasureOptions = { ...MEASURE_DEFAULTS, targetMs: 1000, maxRuns: 20, sampleMs: 2 };

type Contender = ModelContender & { threads: number };

async function importOptional<T>(pkg: string): Promise<{ mod?: T; reason?: string }> {
  try {
    const specifier: string = pkg;
    return { mod: (await import(specifier)) as T };
  } catch (e) {
    return { reason: `cannot import ${pkg}: ${firstLine(e)}` };
  }
}

/** Loads every contender of the model benchmark, in table order. */
export async function modelContenders(ctx: RunContext, slow: boolean): Promise<Contender[]> {
  const threads = os.availableParallelism();
  const layers = await importOptional<LayersApi>('@batchwise/layers');
  // The timed models are trained one step or none on purpose: predict's warnings about stale
  // moving statistics (both end by naming recalibrateBatchNorm) would repeat for every model.
  layers.mod?.setWarningHandler?.((m) => {
    if (!m.includes('recalibrateBatchNorm')) console.warn(m);
  });
  const onnx = await importOptional<OnnxExporter>('@batchwise/onnx');
  const out: Contender[] = [];
  for (const b of OUR_BACKENDS) {
    const loaded = await loadOurBackend(b.name);
    const api = loaded.backend ? layers.mod : undefined;
    const reason = loaded.reason ?? layers.reason;
    if (b.threaded && loaded.native) {
      for (const count of threads > 1 ? [1, threads] : [1]) {
        out.push({ ...batchwiseModelContender(b.name, api, reason, { count, controls: loaded.native }), threads: count });
      }
    } else {
      out.push({ ...batchwiseModelContender(b.name, api, reason), threads: b.threaded ? threads : 1 });
    }
  }
  await tfjsContender('cpu');
  await tfjsContender('wasm');
  out.push({ ...tfjsModelContender('wasm', slow), threads: 1 }, { ...tfjsModelContender('cpu', slow), threads: 1 });
  const native = await loadOurBackend('native');
  const backendName = native.backend ? 'native' : 'cpu';
  const onnxDeps = { api: layers.mod, exporter: onnx.mod, backendName, reason: layers.reason ?? onnx.reason };
  const torchDeps = { pool: ctx.torch, api: layers.mod, backendName, reason: layers.reason };
  const counts = threads > 1 ? [1, threads] : [1];
  for (const n of counts) out.push({ ...onnxModelContender(n, onnxDeps), threads: n });
  for (const n of counts) out.push({ ...torchModelContender(n, 'channels-last', torchDeps), threads: n });
  out.push({ ...torchModelContender(threads, 'nchw', torchDeps), threads });
  return out;
}

export async function runModelsPart(ctx: RunContext, o: ModelsOptions = MODELS_DEFAULTS): Promise<PartResult> {
  const threads = os.availableParallelism();
  // Importing torch takes seconds: the children start now, while the other contenders load.
  const wantsTorch = !o.only || o.only.some((id) => id.startsWith('torch-'));
  const torchStarts = wantsTorch ? [ctx.torch.get(1), ctx.torch.get(threads)] : [];
  const all = await modelContenders(ctx, o.slow);
  const unknown = o.only?.filter((id) => !all.some((k) => k.id === id)) ?? [];
  if (unknown.length > 0) throw new Error(`bench models: --only must list ids from ${all.map((k) => k.id).join(', ')}, received '${unknown.join(', ')}'.`);
  const contenders = o.only ? all.filter((k) => o.only!.includes(k.id)) : all;
  await Promise.all(torchStarts);
  await ctx.peak.ensure();
  const cases = modelCases(ctx.quick);
  const table: ModelTable = new Map();
  ctx.progress.begin('models', cases.length);
  for (const c of cases) {
    const cells = new Map<string, Cell>();
    const entries: Entry[] = [];
    for (const k of contenders) {
      const prepared = await k.prepare(c);
      if ('unavailable' in prepared) cells.set(k.id, prepared);
      else entries.push({ id: k.id, prepared, maxRuns: k.maxRuns });
    }
    try {
      const outcomes = await measureInterleaved(entries, ctx.quick ? SMOKE : MODEL_MEASURE);
      for (const [id, r] of outcomes) {
        const note = entries.find((e) => e.id === id)?.prepared.note;
        cells.set(id, 'error' in r ? { unavailable: r.error } : { sample: r, ...(note ? { note } : {}) });
      }
    } finally {
      for (const e of entries) e.prepared.dispose?.();
    }
    table.set(c.id, cells);
    ctx.progress.tick(`${c.label} ${c.batch}`);
  }

  // Columns: contenders that ran at least one cell; the others appear in the notes only.
  const columns: ColumnInfo[] = contenders
    .filter((k) => cases.some((c) => { const cell = table.get(c.id)?.get(k.id); return cell !== undefined && 'sample' in cell; }))
    .map((k) => ({ id: k.id, label: k.label, threads: k.threads }));
  const figures = modelFigures(cases, columns, table, ctx.peak.best);
  const skipped = contenders.filter((k) => !columns.some((c) => c.id === k.id));
  const markdown = [
    `Versions: @batchwise/layers ${packageVersion('@batchwise/layers')}, @tensorflow/tfjs-layers ${packageVersion('@tensorflow/tfjs-layers')}, onnxruntime-node ${onnxVersion()} (CPU EP, models exported by @batchwise/onnx)`,
    '',
    '### Work per image (multiply-adds of convolutions and dense layers, 2 FLOPs each)',
    '',
    renderFlops(),
    '',
    '### Median ms per call (images/s)',
    '',
    renderTimes(cases, columns, table),
    '',
    `### Ratios: ours is N times faster (same thread count), and GFLOP/s as a share of the measured FMA peak at that thread count (wasm: also of the SIMD128 mul+add peak)`,
    '',
    renderRatios(cases, table, figures, threads),
    ...(ctx.peak.best ? ['', renderWasmPeak(ctx.peak.best)] : []),
    '',
    '### Contenders and notes',
    '',
    ...skipped.map((k) => `- ${k.label}: did not run (see below)`),
    ...renderNotes(cases, contenders.map((k) => ({ id: k.id, label: k.label, threads: k.threads })), table),
  ].join('\n');
  return {
    part: 'models',
    markdown,
    data: {
      measureOptions: ctx.quick ? SMOKE : MODEL_MEASURE,
      flops: Object.fromEntries(MODEL_SPECS.map((s) => [s.id, modelFlops(s)])),
      specs: MODEL_SPECS,
      cases: cases.map((c) => ({ id: c.id, model: c.spec.id, mode: c.mode, batch: c.batch })),
      contenders: contenders.map((k) => ({ id: k.id, label: k.label, threads: k.threads })),
      results: Object.fromEntries([...table].map(([k, v]) => [k, Object.fromEntries(v)])),
      figures,
    },
    charts: modelCharts(cases, columns, figures),
  };
}
