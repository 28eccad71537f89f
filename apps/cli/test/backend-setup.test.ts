import { describe, expect, it } from 'vitest';
import { importBackendPackages, listAllBackends, loadBackends, selectBackend } from '../src/cli/backend-setup.js';
import { CliError, UsageError } from '../src/cli/errors.js';

describe('backend loading', () => {
  it('records a backend package that fails to import instead of crashing', async () => {
    await loadBackends();
    await importBackendPackages([{ name: 'broken', module: '@batchwise/no-such-backend' }]);
    const broken = listAllBackends().find((b) => b.name === 'broken');
    expect(broken).toMatchObject({ available: false, active: false });
    expect(broken!.reason).toContain('cannot load @batchwise/no-such-backend');
    // The others still load and one of them is active.
    expect(listAllBackends().filter((b) => b.active)).toHaveLength(1);
    await expect(selectBackend('broken')).rejects.toThrow(CliError);
    await expect(selectBackend('broken')).rejects.toThrow("backend 'broken' is unavailable");
  });

  it('rejects an unknown --backend as a usage error', async () => {
    await expect(selectBackend('gpu')).rejects.toThrow(UsageError);
    expect((await selectBackend('cpu')).name).toBe('cpu');
  });
});
