import { BackendError, getBackend, listBackends, setBackend, type Backend, type BackendStatus } from '@batchwise/core';
import { CliError, oneLine, UsageError } from './errors.js';

/*
 * Backends register themselves when their package is imported. The native
 * one may fail to load (no compiler on the machine, wrong CPU, missing .node
 * file), and so may wasm (module not built): that must leave the CLI working
 * on the next one, and `batchwise backends` must say why. A failed import never reaches the registry, so its reason is
 * kept here and merged into the listing.
 */

const BACKEND_PACKAGES: readonly { name: string; module: string }[] = [
  { name: 'cpu', module: '@batchwise/backend-cpu' },
  { name: 'native', module: '@batchwise/backend-native' },
  { name: 'wasm', module: '@batchwise/backend-wasm' },
];

export interface BackendListing extends BackendStatus {
  /** The package whose import registers it. */
  module?: string;
}

const importFailures = new Map<string, { module: string; reason: string }>();
let loaded: Promise<void> | null = null;

/** Imports backend packages; one that throws is recorded with its reason, never fatal. */
export async function importBackendPackages(packages: readonly { name: string; module: string }[]): Promise<void> {
  for (const { name, module } of packages) {
    try {
      // Imported for its side effect only (it calls registerBackend), so the specifier can be a variable.
      await import(module);
    } catch (e) {
      importFailures.set(name, { module, reason: `cannot load ${module}: ${oneLine(e).replace(/ imported from .*$/, '')}` });
    }
  }
}

/** Imports every backend package once. */
export function loadBackends(): Promise<void> {
  loaded ??= importBackendPackages(BACKEND_PACKAGES);
  return loaded;
}

/** Every backend: registered ones from core's listBackends(), plus packages that failed to import. */
export function listAllBackends(): BackendListing[] {
  const listed: BackendListing[] = listBackends().map((s) => ({
    ...s,
    module: BACKEND_PACKAGES.find((p) => p.name === s.name)?.module,
  }));
  for (const [name, failure] of importFailures) {
    if (!listed.some((s) => s.name === name)) {
      listed.push({ name, priority: 0, available: false, active: false, reason: failure.reason, module: failure.module });
    }
  }
  return listed;
}

/** Names accepted by --backend: registered or known packages. */
export function knownBackendNames(): string[] {
  return [...new Set([...listBackends().map((s) => s.name), ...BACKEND_PACKAGES.map((p) => p.name)])];
}

/**
 * Activates `name`, or the best available backend when it is undefined.
 * An unknown name is a usage error (exit 2); a known but unavailable one is
 * a failure with its reason (exit 1).
 */
export async function selectBackend(name: string | undefined): Promise<Backend> {
  await loadBackends();
  if (name === undefined) {
    try {
      return getBackend();
    } catch (e) {
      throw new CliError(oneLine(e));
    }
  }
  const failure = importFailures.get(name);
  if (failure) throw new CliError(`backend '${name}' is unavailable: ${failure.reason}`);
  if (!knownBackendNames().includes(name)) {
    throw new UsageError(`--backend must be one of ${knownBackendNames().map((n) => `'${n}'`).join(', ')}, received '${name}'.`);
  }
  try {
    return setBackend(name);
  } catch (e) {
    if (e instanceof BackendError) throw new CliError(oneLine(e));
    throw e;
  }
}
