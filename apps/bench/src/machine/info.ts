import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/*
 * What the report prints about the machine and the software: CPU model,
 * hardware threads, the SIMD levels the CPU offers, and package versions.
 */

export interface MachineInfo {
  cpu: string;
  hardwareThreads: number;
  /** SIMD levels the CPU reports (cpuinfo flags), best first. */
  isa: string[];
  node: string;
  platform: string;
  /** 1-minute load average when the run started: above ~0.5 per hardware thread, other work competed. */
  loadAverage: number;
}

function cpuFlags(): Set<string> {
  try {
    const text = readFileSync('/proc/cpuinfo', 'utf8');
    const line = text.split('\n').find((l) => l.startsWith('flags'));
    return new Set((line?.split(':')[1] ?? '').trim().split(/\s+/));
  } catch {
    return new Set();
  }
}

export function machineInfo(): MachineInfo {
  const flags = cpuFlags();
  const isa = [
    flags.has('avx512f') ? 'avx512' : '',
    flags.has('avx2') && flags.has('fma') ? 'avx2+fma' : '',
    flags.has('sse4_2') ? 'sse4.2' : '',
  ].filter((s) => s !== '');
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    hardwareThreads: os.availableParallelism(),
    isa,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadAverage: os.loadavg()[0],
  };
}

/**
 * A dependency's version from its package.json, found by walking up from its
 * resolved entry (some packages do not export ./package.json).
 */
export function packageVersion(name: string): string {
  try {
    // import.meta.resolve honours "exports" with only an "import" condition, which require.resolve does not.
    let dir = path.dirname(fileURLToPath(import.meta.resolve(name)));
    for (let i = 0; i < 6; i++) {
      try {
        const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
        if (pkg.name === name && pkg.version) return pkg.version;
      } catch {
        // no package.json at this level; keep walking up
      }
      dir = path.dirname(dir);
    }
  } catch {
    // not resolvable (e.g. an unbuilt workspace package)
  }
  return 'unknown';
}
