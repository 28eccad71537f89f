import { TorchChild } from './child.js';

/*
 * The PyTorch children of one bench run, one per thread count, started on
 * first use (importing torch takes seconds, so a run starts them early and in
 * parallel with other work) and shared by the parts of the run.
 */

export type Started = { child: TorchChild } | { unavailable: string };

export class TorchPool {
  private readonly children = new Map<number, Promise<Started>>();

  /** The child on `threads` threads, started now if it is not yet. */
  get(threads: number): Promise<Started> {
    let started = this.children.get(threads);
    if (!started) {
      started = TorchChild.start(threads);
      this.children.set(threads, started);
    }
    return started;
  }

  /** The child on `threads` threads if this run started one, without starting it. */
  startedOn(threads: number): Promise<Started> | undefined {
    return this.children.get(threads);
  }

  async close(): Promise<void> {
    const all = await Promise.all(this.children.values());
    this.children.clear();
    await Promise.all(all.map((s) => ('child' in s ? s.child.close() : undefined)));
  }
}
