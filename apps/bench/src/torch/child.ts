import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { firstLine } from '../errors.js';
import { writeArrays, type NamedArrays } from './data-file.js';

/*
 * The PyTorch contender's process: python/torch_child.py, one per thread
 * count, started with OMP_NUM_THREADS and MKL_NUM_THREADS set (the OpenMP
 * runtime reads them once, before torch.set_num_threads runs). JSON lines
 * both ways; arrays go through a temporary binary file (./data-file.ts).
 * When python3 or torch is missing, start() returns the one-line reason.
 */

export const TORCH_SCRIPT = fileURLToPath(new URL('../../python/torch_child.py', import.meta.url));

/**
 * Interpreters to try, in order: $BATCHWISE_BENCH_PYTHON alone when set, else
 * python3 on the PATH, then the system's /usr/bin/python3 (where Debian's
 * python3-torch installs when the PATH leads to another Python, e.g. pyenv's).
 */
export function pythonCandidates(): string[] {
  const chosen = process.env.BATCHWISE_BENCH_PYTHON;
  return chosen ? [chosen] : ['python3', '/usr/bin/python3'];
}

/** Importing torch takes seconds, tens on a loaded machine. */
const START_TIMEOUT_MS = 180_000;

/** What the child says about itself when it is ready. */
export interface TorchInfo {
  torch: string;
  python: string;
  threads: number;
  interopThreads: number;
  mkldnn: boolean;
  /** torch.__config__.show() */
  config: string;
  /** torch.__config__.parallel_info() */
  parallel: string;
}

type Reply = { id: number; ok: true; [k: string]: unknown } | { id: number; ok: false; error: string };
type Pending = { resolve: (r: Record<string, unknown>) => void; reject: (e: Error) => void; onEvent?: (e: Record<string, unknown>) => void };

export class TorchChild {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private exited: string | undefined;
  private stderrTail: string[] = [];

  private constructor(
    private readonly proc: ChildProcessWithoutNullStreams,
    readonly threads: number,
    readonly info: TorchInfo,
    private readonly dir: string,
  ) {}

  /** Starts a child on `threads` threads with the first interpreter that has torch; else resolves with why not (the first reason). */
  static async start(threads: number): Promise<{ child: TorchChild } | { unavailable: string }> {
    const reasons: string[] = [];
    for (const python of pythonCandidates()) {
      const r = await TorchChild.startWith(python, threads);
      if ('child' in r) return r;
      reasons.push(r.unavailable);
    }
    return { unavailable: reasons.join('; ') };
  }

  private static async startWith(python: string, threads: number): Promise<{ child: TorchChild } | { unavailable: string }> {
    const n = String(threads);
    let proc: ChildProcessWithoutNullStreams;
    try {
      proc = spawn(python, ['-u', TORCH_SCRIPT], {
        env: { ...process.env, BATCHWISE_BENCH_THREADS: n, OMP_NUM_THREADS: n, MKL_NUM_THREADS: n },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
    } catch (e) {
      return { unavailable: `cannot start ${python}: ${firstLine(e)}` };
    }
    const lines = createInterface({ input: proc.stdout });
    const stderr: string[] = [];
    proc.stderr.on('data', (b: Buffer) => stderr.push(...b.toString().split('\n').filter((s) => s.trim())));
    const first = await new Promise<{ line: string } | { error: string }>((resolve) => {
      const timer = setTimeout(() => resolve({ error: `${python} did not report within ${START_TIMEOUT_MS / 1000} s` }), START_TIMEOUT_MS);
      proc.once('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        resolve({ error: e.code === 'ENOENT' ? `${python} not found` : `cannot start ${python}: ${firstLine(e)}` });
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        resolve({ error: `${python} exited (code ${code}) before reporting: ${stderr.at(-1) ?? 'no message'}` });
      });
      lines.once('line', (line) => {
        clearTimeout(timer);
        resolve({ line });
      });
    });
    if ('error' in first) {
      proc.kill();
      return { unavailable: first.error };
    }
    let hello: { ready: boolean; error?: string } & TorchInfo;
    try {
      hello = JSON.parse(first.line);
    } catch {
      proc.kill();
      return { unavailable: `${python} ${path.basename(TORCH_SCRIPT)} printed '${first.line.slice(0, 80)}' instead of JSON` };
    }
    if (!hello.ready) {
      proc.stdin.end();
      return { unavailable: `${python} cannot import torch (${hello.error ?? 'unknown error'})` };
    }
    const dir = await mkdtemp(path.join(tmpdir(), 'batchwise-torch-'));
    const { ready: _ready, error: _error, ...info } = hello;
    const child = new TorchChild(proc, threads, info, dir);
    child.stderrTail = stderr;
    lines.on('line', (line) => child.onLine(line));
    proc.on('exit', (code, signal) => child.onExit(`the PyTorch child exited (${signal ?? `code ${code}`}): ${stderr.at(-1) ?? 'no message'}`));
    return { child };
  }

  private onLine(line: string): void {
    let msg: Reply & { event?: string };
    try {
      msg = JSON.parse(line);
    } catch {
      return; // not ours (a library printing to stdout); the protocol lines are JSON
    }
    const p = this.pending.get(msg.id);
    if (!p) return;
    if (msg.event !== undefined) {
      p.onEvent?.(msg as unknown as Record<string, unknown>);
      return;
    }
    this.pending.delete(msg.id);
    if (msg.ok) p.resolve(msg);
    else p.reject(new Error(`PyTorch: ${msg.error}`));
  }

  private onExit(reason: string): void {
    this.exited = reason;
    for (const p of this.pending.values()) p.reject(new Error(reason));
    this.pending.clear();
  }

  /** Sends one request; events (progress of long requests) go to onEvent before the reply resolves. */
  request<T extends Record<string, unknown>>(op: string, payload: Record<string, unknown> = {}, onEvent?: (e: Record<string, unknown>) => void): Promise<T> {
    if (this.exited) return Promise.reject(new Error(this.exited));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (r: Record<string, unknown>) => void, reject, ...(onEvent ? { onEvent } : {}) });
      this.proc.stdin.write(`${JSON.stringify({ id, op, ...payload })}\n`);
    });
  }

  /** Writes `arrays` to a temporary file, runs `use(file)`, and deletes the file. */
  async withArrays<T>(arrays: NamedArrays, use: (file: string) => Promise<T>): Promise<T> {
    const file = path.join(this.dir, `data-${this.nextId}-${Date.now()}.bin`);
    await writeArrays(file, arrays);
    try {
      return await use(file);
    } finally {
      await rm(file, { force: true });
    }
  }

  /** Ends the child (closing stdin ends its loop) and removes its temporary directory. */
  async close(): Promise<void> {
    if (!this.exited) {
      const gone = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
      this.proc.stdin.end();
      const timer = setTimeout(() => this.proc.kill(), 10_000);
      await gone;
      clearTimeout(timer);
    }
    await rm(this.dir, { recursive: true, force: true });
  }

  /** The last lines the child wrote to stderr (warnings), for the report. */
  get warnings(): string[] {
    return this.stderrTail.slice(-5);
  }
}

/** One line on the build: version, oneDNN, BLAS, CPU capability, parallel backend, threads. */
export function describeTorch(info: TorchInfo): string {
  const find = (re: RegExp, text: string) => re.exec(text)?.[1]?.trim();
  const onednn = find(/(?:MKL-DNN|oneDNN)[^\n]*?(v[\d.]+)/, info.config);
  const blas = find(/BLAS_INFO=([^,\s]+)/, info.config);
  const capability = find(/CPU capability usage: (\S+)/, info.config);
  const backend = find(/ATen parallel backend: ([^\n]+)/, info.parallel);
  return [
    `PyTorch ${info.torch} (Python ${info.python})`,
    `oneDNN ${onednn ?? 'absent'}${info.mkldnn ? '' : ' (unavailable)'}`,
    `BLAS ${blas ?? 'unknown'}`,
    `CPU capability ${capability ?? 'unknown'}`,
    `${backend ?? 'unknown'} parallel backend`,
    `${info.threads} intra-op / ${info.interopThreads} inter-op thread(s)`,
  ].join(', ');
}
