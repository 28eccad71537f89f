/*
 * What the memory part reports per contender: resident memory before a
 * training epoch and at its peak, and what one training step allocates in
 * steady state (after the epoch): new buffers from core's pool (the goal on
 * native is none), bytes of new ArrayBuffers, and bytes of JS heap. Each
 * steady-state step is measured alone, after a full garbage collection, so
 * the deltas are allocations, not collections.
 */

export interface MemoryFigures {
  contender: string;
  label: string;
  /** Images in the epoch and steps it took. */
  images: number;
  steps: number;
  rssBeforeBytes: number;
  /** Highest RSS sampled after every step of the epoch. */
  rssPeakBytes: number;
  /** The kernel's high-water mark of the whole process (getrusage), loading included. */
  maxRssBytes: number;
  /** Per steady-state step (median over the measured steps); undefined where the runtime has no counter. */
  poolAllocationsPerStep?: number;
  poolReusesPerStep?: number;
  arrayBufferBytesPerStep?: number;
  heapBytesPerStep?: number;
  unavailable?: string;
}

/** Each in a fresh process: our backends (all threads) and PyTorch. */
export const MEMORY_CONTENDERS = ['native', 'wasm', 'cpu', 'torch'] as const;

/** Settings of the memory part. */
export interface MemorySettings {
  /** Images of the measured epoch (undefined: the main job's 54,000). */
  images?: number;
  /** Steady-state steps measured one by one after the epoch. */
  steadySteps: number;
}

export const MEMORY_DEFAULTS: MemorySettings = { steadySteps: 20 };
export const MEMORY_QUICK: MemorySettings = { images: 256, steadySteps: 2 };
