import { afterEach, describe, expect, it } from 'vitest';
import {
  BackendError,
  InvalidArgumentError,
  KERNEL_NAMES,
  findBackend,
  getBackend,
  listBackends,
  registerBackend,
  removeBackend,
  setBackend,
  type Backend,
} from '../src/index.js';

/** A backend object whose kernels only report that they were reached; enough to test selection. */
function namedBackend(name: string): Backend {
  const kernels = Object.fromEntries(KERNEL_NAMES.map((k) => [k, () => `${name}.${k}`]));
  return { name, info: () => ({ name, threads: 1, simd: 'none' }), ...kernels } as unknown as Backend;
}

const registered: string[] = [];
function register(name: string, factory: () => Backend, priority?: number) {
  registerBackend(name, factory, { priority });
  registered.push(name);
}

afterEach(() => {
  for (const name of registered.splice(0)) removeBackend(name);
});

describe('backend registry', () => {
  it('picks the highest-priority backend when none is set', () => {
    register('low', () => namedBackend('low'), 1);
    register('high', () => namedBackend('high'), 10);
    expect(getBackend().name).toBe('high');
  });

  it('setBackend switches at runtime, and back', () => {
    register('low', () => namedBackend('low'), 1);
    register('high', () => namedBackend('high'), 10);
    setBackend('low');
    expect(getBackend().name).toBe('low');
    setBackend('high');
    expect(getBackend().name).toBe('high');
  });

  it('an unknown name is an error listing the registered backends', () => {
    register('a', () => namedBackend('a'));
    register('b', () => namedBackend('b'));
    expect(() => setBackend('gpu')).toThrow(new BackendError("setBackend: unknown backend 'gpu'; registered: a, b."));
  });

  it('falls back past a backend whose factory fails, and lists it as unavailable with its reason', () => {
    register('cpu', () => namedBackend('cpu'), 1);
    register('native', () => {
      throw new Error('addon not built: cmake failed\nfull log in build/');
    }, 10);
    expect(getBackend().name).toBe('cpu');
    const status = listBackends();
    expect(status.map((s) => s.name)).toEqual(['native', 'cpu']);
    expect(status[0]).toMatchObject({ available: false, active: false, reason: 'addon not built: cmake failed' });
    expect(status[1]).toMatchObject({ available: true, active: true, info: { name: 'cpu' } });
    expect(() => setBackend('native')).toThrow("setBackend: backend 'native' is unavailable: addon not built: cmake failed");
  });

  it('instantiates a backend once', () => {
    let created = 0;
    register('once', () => {
      created++;
      return namedBackend('once');
    });
    getBackend();
    getBackend();
    findBackend('once');
    expect(created).toBe(1);
  });

  it('refuses to register a name twice', () => {
    register('dup', () => namedBackend('dup'));
    expect(() => registerBackend('dup', () => namedBackend('dup'))).toThrow(
      new InvalidArgumentError("registerBackend: backend 'dup' is already registered."),
    );
  });

  it('says what to import when nothing is registered', () => {
    expect(() => getBackend()).toThrow(/no backend is registered/);
  });
});
