import { MultiBar, Presets, type SingleBar } from 'cli-progress';

/*
 * The progress display of a bench run: one cli-progress bar per part on
 * stderr (done / planned cells, the cell running now) when stderr is a
 * terminal; otherwise one plain line per finished cell, so logs and CI get a
 * readable record. Status lines go above the bars.
 */

export interface Progress {
  /** A part starts with `total` cells. */
  begin(part: string, total: number): void;
  /** The cell `label` of the current part is done. */
  tick(label: string): void;
  /** A status line (above the bars on a terminal). */
  log(line: string): void;
  /** Stops drawing; call once at the end. */
  stop(): void;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  return stream.isTTY ? new BarProgress(stream) : new LineProgress(stream);
}

class LineProgress implements Progress {
  private part = '';
  private done = 0;
  private total = 0;
  private last = 0;
  constructor(private readonly stream: NodeJS.WritableStream) {}
  begin(part: string, total: number): void {
    this.part = part;
    this.done = 0;
    this.total = total;
    this.last = performance.now();
  }
  tick(label: string): void {
    this.done++;
    const now = performance.now();
    this.stream.write(`[${this.part} ${this.done}/${this.total}] ${label} (${((now - this.last) / 1000).toFixed(1)} s)\n`);
    this.last = now;
  }
  log(line: string): void {
    this.stream.write(`${line}\n`);
  }
  stop(): void {}
}

class BarProgress implements Progress {
  private readonly bars: MultiBar;
  private bar: SingleBar | undefined;
  private started = 0;
  private stopped = false;
  constructor(private readonly stream: NodeJS.WriteStream) {
    this.bars = new MultiBar(
      { format: '{part} [{bar}] {value}/{total} {elapsed} {label}', stream, hideCursor: true, clearOnComplete: false, autopadding: true },
      Presets.shades_classic,
    );
  }
  begin(part: string, total: number): void {
    this.started = performance.now();
    this.bar = this.bars.create(total, 0, { part: part.padEnd(16), label: '', elapsed: '0 s' });
  }
  tick(label: string): void {
    this.bar?.increment(1, { label, elapsed: `${((performance.now() - this.started) / 1000).toFixed(0)} s` });
  }
  log(line: string): void {
    if (this.stopped) this.stream.write(`${line}\n`);
    else this.bars.log(`${line}\n`);
  }
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.bars.stop();
  }
}
