import type { Peak } from '../machine/peak.js';
import { fraction, gigaPerSecond, speedup } from '../stats.js';
import type { KernelCase, KernelResult } from '../types.js';

/*
 * Numbers derived from the timings: rates, ours-versus-peer speedups and
 * fractions of the machine peak. "Ours" is the native backend; on the
 * single-threaded peers (tfjs) it is compared at its default, all threads,
 * which is what a user gets; against onnxruntime thread count meets thread count.
 */

export const CONTENDER_IDS = {
  native1: 'native-1t',
  native2: 'native-2t',
  wasm1: 'wasm-1t',
  wasm2: 'wasm-2t',
  cpu: 'cpu',
  tfjsWasm: 'tfjs-wasm',
  tfjsCpu: 'tfjs-cpu',
  ort1: 'ort-1t',
  ort2: 'ort-2t',
} as const;

export function medianMs(result: KernelResult, contender: string): number | undefined {
  const m = result.measurements.find((x) => x.contender === contender);
  return m && 'sample' in m ? m.sample.medianMs : undefined;
}

/** GFLOP/s for compute kernels, GB/s for memory-bound ones. */
export function rate(kernel: KernelCase, ms: number | undefined): number | undefined {
  if (ms === undefined) return undefined;
  const amount = kernel.flops ?? kernel.bytes;
  return amount === undefined ? undefined : gigaPerSecond(amount, ms);
}

export function rateUnit(kernel: KernelCase): string {
  return kernel.flops !== undefined ? 'GFLOP/s' : 'GB/s';
}

export interface Derived {
  kernel: KernelCase;
  /** native (2 threads) versus each peer: peer ms / our ms. */
  vsCpu?: number;
  vsTfjsWasm?: number;
  vsTfjsCpu?: number;
  /** Thread count matched: native 1t vs ort 1t, native 2t vs ort 2t. */
  vsOrt1?: number;
  vsOrt2?: number;
  /** native 1t ms / native 2t ms. */
  scaling?: number;
  /** Compute kernels: native 1t rate / 1-core FMA peak, native 2t rate / all-core peak. */
  peakOne?: number;
  peakAll?: number;
  /** Memory-bound kernels: native 2t GB/s / triad GB/s (all threads) at the tensor's size, and from DRAM. */
  bandwidthCache?: number;
  bandwidthDram?: number;
}

export function derive(result: KernelResult, peak: Peak | undefined): Derived {
  const ms = (id: string) => medianMs(result, id);
  const ours = ms(CONTENDER_IDS.native2);
  const ours1 = ms(CONTENDER_IDS.native1);
  const { kernel } = result;
  const out: Derived = {
    kernel,
    vsCpu: speedup(ours, ms(CONTENDER_IDS.cpu)),
    vsTfjsWasm: speedup(ours, ms(CONTENDER_IDS.tfjsWasm)),
    vsTfjsCpu: speedup(ours, ms(CONTENDER_IDS.tfjsCpu)),
    vsOrt1: speedup(ours1, ms(CONTENDER_IDS.ort1)),
    vsOrt2: speedup(ours, ms(CONTENDER_IDS.ort2)),
    scaling: speedup(ours, ours1),
  };
  if (peak && kernel.flops !== undefined) {
    out.peakOne = fraction(rate(kernel, ours1), peak.fma.one);
    out.peakAll = fraction(rate(kernel, ours), peak.fma.all);
  }
  if (peak && kernel.bytes !== undefined) {
    out.bandwidthCache = fraction(rate(kernel, ours), peak.cache.all);
    out.bandwidthDram = fraction(rate(kernel, ours), peak.dram.all);
  }
  return out;
}
