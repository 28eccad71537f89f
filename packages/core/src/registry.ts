import type { Backend, BackendInfo } from './backend.js';
import { BackendError, InvalidArgumentError } from './errors.js';

/*
 * The backend registry. Backends register a factory with a priority; the
 * first use instantiates it. Without `setBackend`, the highest-priority
 * backend whose factory succeeds is used, so installing the native backend
 * makes it the default and a native build that fails to load leaves `cpu`.
 */

export type BackendFactory = () => Backend;

export interface RegisterOptions {
  /** Higher wins when no backend is set explicitly. Default 0. */
  priority?: number;
}

interface Registration {
  name: string;
  factory: BackendFactory;
  priority: number;
  instance?: Backend;
  error?: Error;
}

export interface BackendStatus {
  name: string;
  priority: number;
  /** Whether the factory produced a backend. */
  available: boolean;
  /** Whether it is the backend `getBackend()` returns now. */
  active: boolean;
  /** Why it is unavailable: one line. */
  reason?: string;
  info?: BackendInfo;
}

const registrations = new Map<string, Registration>();
let activeName: string | null = null;

export function registerBackend(name: string, factory: BackendFactory, options: RegisterOptions = {}): void {
  if (typeof name !== 'string' || name.length === 0) {
    throw new InvalidArgumentError(`registerBackend: name must be a non-empty string, received ${String(name)}.`);
  }
  if (typeof factory !== 'function') {
    throw new InvalidArgumentError(`registerBackend: factory must be a function, received ${typeof factory}.`);
  }
  const priority = options.priority ?? 0;
  if (!Number.isFinite(priority)) {
    throw new InvalidArgumentError(`registerBackend: priority must be a finite number, received ${priority}.`);
  }
  if (registrations.has(name)) {
    throw new InvalidArgumentError(`registerBackend: backend '${name}' is already registered.`);
  }
  registrations.set(name, { name, factory, priority });
}

/** Removes a backend (mainly for tests); if it was active, selection falls back to priority. */
export function removeBackend(name: string): void {
  registrations.delete(name);
  if (activeName === name) activeName = null;
}

function instantiate(reg: Registration): Backend | undefined {
  if (reg.instance || reg.error) return reg.instance;
  try {
    reg.instance = reg.factory();
  } catch (e) {
    reg.error = e instanceof Error ? e : new Error(String(e));
  }
  return reg.instance;
}

function registeredNames(): string {
  return registrations.size === 0 ? '(none)' : [...registrations.keys()].join(', ');
}

function firstLine(e: Error): string {
  return e.message.split('\n')[0];
}

/** Makes `name` the active backend from now on. */
export function setBackend(name: string): Backend {
  const reg = registrations.get(name);
  if (!reg) {
    throw new BackendError(`setBackend: unknown backend '${name}'; registered: ${registeredNames()}.`);
  }
  const backend = instantiate(reg);
  if (!backend) {
    throw new BackendError(`setBackend: backend '${name}' is unavailable: ${firstLine(reg.error!)}`, { cause: reg.error });
  }
  activeName = name;
  return backend;
}

/** The backend set with `setBackend`, or else the best available by priority. */
export function getBackend(): Backend {
  if (activeName !== null) {
    const backend = instantiate(registrations.get(activeName)!);
    if (backend) return backend;
  }
  const byPriority = [...registrations.values()].sort((a, b) => b.priority - a.priority);
  for (const reg of byPriority) {
    const backend = instantiate(reg);
    if (backend) return backend;
  }
  const reasons = byPriority.map((r) => `${r.name}: ${firstLine(r.error!)}`).join('; ');
  throw new BackendError(
    registrations.size === 0
      ? 'getBackend: no backend is registered; import @batchwise/backend-cpu (or another backend) first.'
      : `getBackend: no registered backend could be created (${reasons}).`,
  );
}

/** A registered backend by name, instantiating it if needed. */
export function findBackend(name: string): Backend {
  const reg = registrations.get(name);
  if (!reg) throw new BackendError(`findBackend: unknown backend '${name}'; registered: ${registeredNames()}.`);
  const backend = instantiate(reg);
  if (!backend) throw new BackendError(`findBackend: backend '${name}' is unavailable: ${firstLine(reg.error!)}`, { cause: reg.error });
  return backend;
}

/** Every registered backend with its availability; unavailable ones carry the one-line reason. */
export function listBackends(): BackendStatus[] {
  let active: Backend | null = null;
  try {
    active = getBackend();
  } catch {
    active = null;
  }
  return [...registrations.values()]
    .sort((a, b) => b.priority - a.priority)
    .map((reg) => {
      const backend = instantiate(reg);
      return {
        name: reg.name,
        priority: reg.priority,
        available: backend !== undefined,
        active: backend !== undefined && backend === active,
        ...(reg.error ? { reason: firstLine(reg.error) } : {}),
        ...(backend ? { info: backend.info() } : {}),
      };
    });
}
