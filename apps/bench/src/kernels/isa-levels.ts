import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { batchwiseContender } from '../contenders/batchwise.js';
import { loadNative } from '../contenders/ours.js';
import type { Peak } from '../machine/peak.js';
import { formatNumber, formatPercent, formatTable } from '../table.js';
import type { KernelId } from '../types.js';
import { kernelCase } from './cases.js';
import { runKernel } from './run-kernels.js';
import { rate } from '../report/derive.js';
import { firstLine } from '../errors.js';

/*
 * The native backend per SIMD level. The level is chosen once when the addon
 * loads (BATCHWISE_ISA), so each level runs in a child process of this same
 * program; the child reports what getIsa() says it actually uses.
 */

const run = promisify(execFile);

export const ISA_KERNELS: readonly KernelId[] = ['matMul', 'conv2d'];

export interface IsaResult {
  requested: string;
  /** getIsa() in the child, or undefined when it failed. */
  used?: string;
  error?: string;
  /** Median ms per kernel, native on 1 thread. */
  medianMs: Partial<Record<KernelId, number>>;
}

/** Child side: time the ISA kernels on 1 thread and print one JSON line. */
export async function isaChild(): Promise<void> {
  const native = await loadNative();
  const requested = process.env.BATCHWISE_ISA ?? '';
  if (!native.backend || !native.native) {
    console.log(JSON.stringify({ requested, error: native.reason ?? 'no thread/ISA controls', medianMs: {} }));
    return;
  }
  const contender = batchwiseContender('native-1t', 'native 1t', native, 1, true);
  const medianMs: Partial<Record<KernelId, number>> = {};
  for (const id of ISA_KERNELS) {
    const result = await runKernel(kernelCase(id), [contender], { warmup: 1, minRuns: 5, targetMs: 300, maxRuns: 20, leadInMs: 100, leadInMinMs: 25, leadInCalls: 50, sampleMs: 0 });
    const m = result.measurements[0];
    if (m && 'sample' in m) medianMs[id] = m.sample.medianMs;
  }
  console.log(JSON.stringify({ requested, used: native.backend.info().simd, medianMs }));
}

/** Parent side: one child per level; a failing child becomes a row with its error. */
export async function measureIsaLevels(levels: readonly string[]): Promise<IsaResult[]> {
  const main = fileURLToPath(new URL('../main.js', import.meta.url));
  const out: IsaResult[] = [];
  for (const level of levels) {
    try {
      const { stdout } = await run(process.execPath, [main, 'isa-child'], {
        env: { ...process.env, BATCHWISE_ISA: level, BATCHWISE_NUM_THREADS: '1' },
        timeout: 300_000,
      });
      const last = stdout.trim().split('\n').at(-1) ?? '{}';
      out.push({ ...(JSON.parse(last) as IsaResult), requested: level });
    } catch (e) {
      out.push({ requested: level, error: firstLine(e), medianMs: {} });
    }
  }
  return out;
}

/** The SIMD levels worth trying on this CPU, scalar first. */
export function isaLevels(cpuIsa: readonly string[]): string[] {
  return ['scalar', ...(cpuIsa.includes('avx2+fma') ? ['avx2'] : []), ...(cpuIsa.includes('avx512') ? ['avx512'] : [])];
}

export function renderIsa(results: readonly IsaResult[], peak: Peak | undefined): string {
  const peakOf = (isa: string | undefined) =>
    isa === 'avx512' ? peak?.fmaByIsa.avx512?.one : isa === 'avx2' ? peak?.fmaByIsa.avx2.one : undefined;
  const headers = ['BATCHWISE_ISA', 'getIsa()', ...ISA_KERNELS.flatMap((k) => [`${k} ms (GFLOP/s)`, `${k} % of ISA peak`])];
  const rows = results.map((r) => [
    r.requested,
    r.used ?? `failed: ${r.error ?? 'unknown'}`,
    ...ISA_KERNELS.flatMap((k) => {
      const ms = r.medianMs[k];
      const g = rate(kernelCase(k), ms);
      const p = peakOf(r.used);
      return [ms === undefined ? '-' : `${formatNumber(ms)} (${formatNumber(g)})`, g !== undefined && p ? formatPercent(g / p) : '-'];
    }),
  ]);
  return formatTable(headers, rows, ['left', 'left']);
}
