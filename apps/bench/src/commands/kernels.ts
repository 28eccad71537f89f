import { loadContenders } from '../contenders/all.js';
import { onnxVersion } from '../contenders/onnx.js';
import { listFlag, numberFlag, type ParsedArgs } from '../cli-args.js';
import { ACT_SHAPE, KERNEL_CASES } from '../kernels/cases.js';
import { isaLevels, measureIsaLevels, renderIsa, type IsaResult } from '../kernels/isa-levels.js';
import { runKernel } from '../kernels/run-kernels.js';
import { machineInfo, packageVersion } from '../machine/info.js';
import { bestPeak, compilePeakProbe, type Peak, type PeakProbe } from '../machine/peak.js';
import { MEASURE_DEFAULTS, type MeasureOptions } from '../measure.js';
import { CONTENDER_IDS } from '../report/derive.js';
import { renderReport, summarizeContender } from '../report/render.js';
import { deriveWasm, evaluateWasmTargets, renderWasm } from '../report/wasm.js';
import { writeResults } from '../results.js';
import { firstLine } from '../errors.js';
import { formatNumber } from '../table.js';
import type { KernelResult } from '../types.js';

/*
 * `bench kernels`: the machine peak, then every kernel on every contender,
 * then the per-ISA runs, then the peak again (the report uses the best of
 * the two probes, so a busy moment does not lower the reference).
 */

export const KERNELS_FLAGS = ['only', 'kernels', 'no-peak', 'no-isa', 'quick', 'no-write', 'lead-in'] as const;

/** Fewer runs for a quick look; the full run keeps the project minimum of 5 and adds more for fast kernels. */
const QUICK: MeasureOptions = { warmup: 1, minRuns: 5, targetMs: 100, maxRuns: 10, leadInMs: 100, leadInMinMs: 25, leadInCalls: 50 };

const log = (s: string) => process.stderr.write(`${s}\n`);

const CONTENDER_ID_LIST: readonly string[] = Object.values(CONTENDER_IDS);

/** A typo in a list flag is an error, not a silently empty run. */
function checkIds(flag: string, given: readonly string[] | undefined, known: readonly string[]): void {
  const unknown = given?.filter((id) => !known.includes(id)) ?? [];
  if (unknown.length > 0) throw new Error(`bench kernels: ${flag} must list ids from ${known.join(', ')}, received '${unknown.join(', ')}'.`);
}

function versions(): Record<string, string> {
  return {
    '@batchwise/backend-native': packageVersion('@batchwise/backend-native'),
    '@batchwise/backend-wasm': packageVersion('@batchwise/backend-wasm'),
    '@batchwise/backend-cpu': packageVersion('@batchwise/backend-cpu'),
    '@tensorflow/tfjs-core': packageVersion('@tensorflow/tfjs-core'),
    '@tensorflow/tfjs-backend-wasm': packageVersion('@tensorflow/tfjs-backend-wasm'),
    'onnxruntime-node': onnxVersion(),
  };
}

/** Runs the probe once; a failure (e.g. a CPU without AVX2 and FMA) is returned as the reason, never thrown. */
async function probePeak(probe: PeakProbe | undefined, peaks: Peak[]): Promise<string | undefined> {
  if (!probe) return undefined;
  log('measuring the machine peak (FMA and triad)...');
  let p: Peak;
  try {
    p = await probe.measure();
  } catch (e) {
    const reason = `the peak probe failed: ${firstLine(e)}`;
    log(reason);
    return reason;
  }
  peaks.push(p);
  log(`  FMA ${formatNumber(p.fma.one)} / ${formatNumber(p.fma.all)} GFLOP/s, triad DRAM ${formatNumber(p.dram.all)} GB/s, cache ${formatNumber(p.cache.all)} GB/s`);
  return undefined;
}

export async function kernelsCommand(args: ParsedArgs): Promise<void> {
  const started = new Date();
  const info = machineInfo();
  const only = listFlag(args.flags, 'only');
  const kernelIds = listFlag(args.flags, 'kernels');
  checkIds('--kernels', kernelIds, KERNEL_CASES.map((k) => k.id));
  checkIds('--only', only, CONTENDER_ID_LIST);
  const kernels = kernelIds ? KERNEL_CASES.filter((k) => kernelIds.includes(k.id)) : KERNEL_CASES;
  const leadIn = numberFlag(args.flags, 'lead-in');
  const options = { ...(args.flags.has('quick') ? QUICK : MEASURE_DEFAULTS), ...(leadIn !== undefined ? { leadInMs: leadIn, leadInMinMs: Math.min(leadIn, 25) } : {}) };

  let probe: PeakProbe | undefined;
  let peakError: string | undefined;
  const peaks: Peak[] = [];
  if (!args.flags.has('no-peak')) {
    try {
      probe = await compilePeakProbe(ACT_SHAPE.reduce((a, b) => a * b, 1));
    } catch (e) {
      peakError = e instanceof Error ? e.message : String(e);
      log(peakError);
    }
  } else peakError = 'skipped (--no-peak)';
  peakError ??= await probePeak(probe, peaks);

  const { contenders, native } = await loadContenders(only);
  for (const c of contenders) log(`${c.label}: ${c.status.available ? c.status.detail : `unavailable: ${c.status.reason}`}`);
  const results: KernelResult[] = [];
  for (const kernel of kernels) {
    const t0 = performance.now();
    const result = await runKernel(kernel, contenders, options);
    results.push(result);
    log(`${kernel.label}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }

  let isa: IsaResult[] = [];
  if (!args.flags.has('no-isa') && native.native) {
    log('native per ISA level (child processes)...');
    isa = await measureIsaLevels(isaLevels(info.isa));
  }
  peakError ??= await probePeak(probe, peaks);
  await probe?.dispose();

  const peak = peaks.length > 0 ? bestPeak(peaks) : undefined;
  const summaries = contenders.map(summarizeContender);
  const isaSection = isa.length > 0 ? ['### native per ISA level (1 thread, child process per level)', '', renderIsa(isa, peak), ''] : [];
  const wasmDerived = results.map(deriveWasm);
  const wasmTargets = evaluateWasmTargets(wasmDerived);
  const report = renderReport(info, versions(), peak, peakError, results, summaries, [renderWasm(wasmDerived, wasmTargets), ...isaSection]);
  console.log(report.text);

  if (!args.flags.has('no-write')) {
    const json = {
      benchmark: 'kernels',
      started: started.toISOString(),
      finished: new Date().toISOString(),
      machine: info,
      versions: versions(),
      measureOptions: options,
      peak: { best: peak, runs: peaks, error: peakError },
      contenders: summaries,
      results,
      derived: report.derived,
      isa,
      targets: report.targets,
      wasm: { derived: wasmDerived, targets: wasmTargets },
    };
    const files = await writeResults('kernels', started, json, `# bench kernels, ${started.toISOString()}\n\n${report.text}`);
    log(`wrote ${files.join(', ')}`);
  }
}
