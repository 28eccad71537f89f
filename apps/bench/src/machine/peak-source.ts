import { firstLine } from '../errors.js';
import { bestPeak, compilePeakProbe, type Peak, type PeakProbe } from './peak.js';
import { compileWasmPeakProbe, type WasmPeakProbe } from './wasm-peak.js';

/*
 * The machine peak of one run: the probe is compiled once and run whenever a
 * part asks (kernels before and after its timings, models before its own);
 * every figure reported is the best of the probes so far, so a busy moment
 * does not lower the reference. A failure (no g++, no AVX2/FMA) is kept as
 * the reason and the shares of peak are left out. The WebAssembly SIMD128
 * peak is measured with it, each time; its failure (no clang for wasm32)
 * only leaves that figure out.
 */

export class PeakSource {
  private probe: Promise<PeakProbe> | undefined;
  private wasmProbe: Promise<WasmPeakProbe> | undefined;
  private wasmFailure: string | undefined;
  private readonly peaks: Peak[] = [];
  private failure: string | undefined;

  /**
   * `trials`: best of how many trials per figure (1 in a smoke run);
   * `disabled`: the reason the peak is not measured in this run (e.g. --no-peak).
   */
  constructor(
    private readonly cacheElements: number,
    private readonly log: (line: string) => void,
    private readonly trials: number,
    private readonly disabled?: string,
  ) {}

  /** Runs the probe once more. */
  async measure(): Promise<void> {
    if (this.disabled || this.failure) return;
    try {
      this.probe ??= compilePeakProbe(this.cacheElements);
      const p = await (await this.probe).measure(this.trials);
      const wasm = await this.measureWasm(p.threads);
      this.peaks.push(wasm ? { ...p, wasmSimd128: wasm } : p);
      this.log(`peak: FMA ${p.fma.one.toFixed(0)} / ${p.fma.all.toFixed(0)} GFLOP/s (1 / ${p.threads} threads), triad DRAM ${p.dram.all.toFixed(1)} GB/s`);
      if (wasm) this.log(`peak: wasm SIMD128 mul+add ${wasm.one.toFixed(0)} / ${wasm.all.toFixed(0)} GFLOP/s (1 / ${p.threads} threads)`);
    } catch (e) {
      this.failure = `the peak probe failed: ${firstLine(e)}`;
      this.log(this.failure);
    }
  }

  private async measureWasm(threads: number) {
    if (this.wasmFailure) return undefined;
    try {
      this.wasmProbe ??= compileWasmPeakProbe();
      return await (await this.wasmProbe).measure(this.trials, threads);
    } catch (e) {
      this.wasmFailure = `the wasm peak probe failed: ${firstLine(e)}`;
      this.log(this.wasmFailure);
      return undefined;
    }
  }

  /** Why there is no wasm SIMD128 peak, when the native one was measured but it was not. */
  get wasmError(): string | undefined {
    return this.wasmFailure;
  }

  /** Measures only when no probe has run yet. */
  async ensure(): Promise<void> {
    if (this.peaks.length === 0) await this.measure();
  }

  get best(): Peak | undefined {
    return this.peaks.length > 0 ? bestPeak(this.peaks) : undefined;
  }

  get runs(): readonly Peak[] {
    return this.peaks;
  }

  /** Why there is no peak, when there is none. */
  get error(): string | undefined {
    return this.peaks.length > 0 ? undefined : (this.disabled ?? this.failure ?? 'no part of this run needs it');
  }

  async dispose(): Promise<void> {
    const probe = this.probe;
    this.probe = undefined;
    if (probe) await (await probe.catch(() => undefined))?.dispose();
  }
}
