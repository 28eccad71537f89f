import { loadContenders } from '../contenders/all.js';
import { onnxVersion } from '../contenders/onnx.js';
import { KERNEL_CASES } from '../kernels/cases.js';
import { isaLevels, measureIsaLevels, renderIsa, type IsaResult } from '../kernels/isa-levels.js';
import { runKernel } from '../kernels/run-kernels.js';
import { machineInfo, packageVersion } from '../machine/info.js';
import { MEASURE_DEFAULTS, SMOKE, type MeasureOptions } from '../measure.js';
import { kernelCharts } from '../report/charts.js';
import { CONTENDER_IDS } from '../report/derive.js';
import { renderReport, summarizeContender } from '../report/render.js';
import { deriveWasm, evaluateWasmTargets, renderWasm } from '../report/wasm.js';
import type { PartResult, RunContext } from '../run/context.js';
import type { Contender, KernelResult } from '../types.js';

/*
 * `bench kernels`: the machine peak, then every kernel on every contender,
 * then the per-ISA runs, then the peak again (the report uses the best of
 * the probes, so a busy moment does not lower the reference).
 */

export interface KernelsOptions {
  /** Contender ids to run (all when absent). */
  only?: string[];
  /** Kernel ids to run (all when absent). */
  kernels?: string[];
  isa: boolean;
  /** Untimed back-to-back calls before each timed one, ms (MEASURE_DEFAULTS.leadInMs when absent). */
  leadIn?: number;
}

export const KERNELS_DEFAULTS: KernelsOptions = { isa: true };

/** tfjs-cpu's convolutions take about a second per call: a smoke run leaves it out. */
function quickSkip(c: Contender): Contender {
  return c.id === CONTENDER_IDS.tfjsCpu ? { ...c, status: { available: false, reason: 'skipped in --quick (about 1 s per convolution)' } } : c;
}

export function kernelVersions(): Record<string, string> {
  return {
    '@batchwise/backend-native': packageVersion('@batchwise/backend-native'),
    '@batchwise/backend-wasm': packageVersion('@batchwise/backend-wasm'),
    '@batchwise/backend-cpu': packageVersion('@batchwise/backend-cpu'),
    '@tensorflow/tfjs-core': packageVersion('@tensorflow/tfjs-core'),
    '@tensorflow/tfjs-backend-wasm': packageVersion('@tensorflow/tfjs-backend-wasm'),
    'onnxruntime-node': onnxVersion(),
  };
}

export async function runKernelsPart(ctx: RunContext, o: KernelsOptions = KERNELS_DEFAULTS): Promise<PartResult> {
  const info = machineInfo();
  const kernels = o.kernels ? KERNEL_CASES.filter((k) => o.kernels!.includes(k.id)) : KERNEL_CASES;
  const base: MeasureOptions = ctx.quick ? SMOKE : MEASURE_DEFAULTS;
  const options = { ...base, ...(o.leadIn !== undefined ? { leadInMs: o.leadIn, leadInMinMs: Math.min(o.leadIn, base.leadInMinMs) } : {}) };

  await ctx.peak.measure();
  const loaded = await loadContenders(o.only);
  const contenders = ctx.quick ? loaded.contenders.map(quickSkip) : loaded.contenders;
  for (const c of contenders) ctx.progress.log(`${c.label}: ${c.status.available ? c.status.detail : `unavailable: ${c.status.reason}`}`);
  const isaWanted = o.isa && !ctx.quick && loaded.native.native !== undefined;
  ctx.progress.begin('kernels', kernels.length + (isaWanted ? 1 : 0));
  const results: KernelResult[] = [];
  for (const kernel of kernels) {
    results.push(await runKernel(kernel, contenders, options));
    ctx.progress.tick(kernel.label);
  }
  let isa: IsaResult[] = [];
  if (isaWanted) {
    isa = await measureIsaLevels(isaLevels(info.isa));
    ctx.progress.tick('native per ISA level');
  }
  // Again after the timings (the best probe counts), except in a smoke run.
  if (!ctx.quick) await ctx.peak.measure();

  const peak = ctx.peak.best;
  const summaries = contenders.map(summarizeContender);
  const isaSection = isa.length > 0 ? ['### native per ISA level (1 thread, child process per level)', '', renderIsa(isa, peak), ''] : [];
  // wasm against tfjs-wasm and as a share of native (issue 17), beside the ISA rows.
  const wasmDerived = results.map(deriveWasm);
  const wasmTargets = evaluateWasmTargets(wasmDerived);
  const report = renderReport(info, kernelVersions(), peak, ctx.peak.error, results, summaries, [renderWasm(wasmDerived, wasmTargets), ...isaSection]);
  return {
    part: 'kernels',
    markdown: report.text,
    data: { measureOptions: options, versions: kernelVersions(), contenders: summaries, results, derived: report.derived, isa, targets: report.targets, wasm: { derived: wasmDerived, targets: wasmTargets } },
    charts: kernelCharts(report.derived),
  };
}
