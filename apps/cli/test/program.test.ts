import { describe, expect, it } from 'vitest';
import { run } from './helpers.js';

describe('command line framework', () => {
  it('prints help and exits 0 for --help', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: batchwise');
    expect(r.stdout).toContain('backends');
  });

  it('exits 2 and prints the usage for an unknown command', async () => {
    const r = await run(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'frobnicate'");
    expect(r.stderr).toContain('Usage: batchwise');
  });

  it('exits 2 for an unknown flag', async () => {
    const r = await run(['backends', '--frob']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--frob'");
    expect(r.stderr).toContain('Usage: batchwise backends');
  });

  it('exits 2 without a command', async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
  });
});

describe('batchwise backends', () => {
  it('lists cpu, native and wasm with --json', async () => {
    const r = await run(['backends', '--json']);
    expect(r.code).toBe(0);
    const parsed = JSON.parse(r.stdout) as { backends: { name: string; available: boolean; active: boolean; reason?: string }[] };
    const names = parsed.backends.map((b) => b.name);
    expect(names).toContain('cpu');
    expect(names).toContain('native');
    expect(names).toContain('wasm');
    expect(parsed.backends.filter((b) => b.active)).toHaveLength(1);
    for (const b of parsed.backends) if (!b.available) expect(b.reason).toMatch(/\S/);
  });

  it('prints a table marking the active backend', async () => {
    const r = await run(['backends']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\* \w+/m);
    expect(r.stdout).toContain('active:');
  });
});

describe('usage errors exit 2', () => {
  it.each([
    [['train', '--epochs', '2.5']],
    [['train', '--dataset', 'cifar']],
    [['train', '--optimizer', 'rmsprop']],
    [['train', 'resnet']],
    [['train', '--validation-split', '1']],
    [['predict', 'somewhere']],
    [['experiment', 'nonsense']],
    [['experiment', 'speed', '--steps', '0']],
    [['evaluate']],
  ])('%j', async (args) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error|Usage/);
  });
});

describe('--help on every command', () => {
  it.each([
    'train', 'evaluate', 'predict', 'summary', 'inspect', 'recalibrate', 'export', 'backends', 'conformance', 'experiment',
    'experiment speed', 'experiment learning-rate', 'experiment covariate-shift', 'experiment input-scaling',
    'experiment regularization', 'experiment placement',
  ])('%s --help', async (command) => {
    const r = await run([...command.split(' '), '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: batchwise ${command}`);
  });
});
