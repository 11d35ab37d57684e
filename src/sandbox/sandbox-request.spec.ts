import { DEFAULT_RUN_USER, SUPERVISOR_USER, type SandboxOwner } from './container-spec';
import { SandboxRequestError } from './sandbox-errors';
import type { SandboxLimitBounds } from './sandbox-limits';
import { normaliseRequest } from './sandbox-request';

const bounds: SandboxLimitBounds = {
  defaults: { memoryMiB: 256, timeSeconds: 20, cpus: 1, pids: 64, outputBytes: 1 << 20 },
  maxima: { memoryMiB: 2048, timeSeconds: 300, cpus: 2, pids: 256, outputBytes: 8 << 20 },
};
const owner: SandboxOwner = { workerId: 'host/1/ab', hostname: 'host', processSpace: 'boot:ns', pid: 1 };
const files = { 'solution.py': 'print(1)\n' };

describe('normaliseRequest', () => {
  it('turns a plain request into the default user, env entries, clamped limits and a tar of the files', async () => {
    const normalised = await normaliseRequest({ files, argv: ['python3', 'solution.py'], env: { A_B: '1' }, limits: { timeSeconds: 1e6 } }, bounds, owner);
    expect(normalised).toMatchObject({ argv: ['python3', 'solution.py'], supervisor: false, user: DEFAULT_RUN_USER, env: ['A_B=1'], extraLabels: {} });
    expect(normalised.limits).toEqual({ ...bounds.defaults, timeSeconds: 300 });
    // A tar's first header names the first file.
    expect(normalised.archive.subarray(0, 100).toString('utf8')).toContain('solution.py');
  });

  it('runs a supervisor request as root', async () => {
    expect(await normaliseRequest({ files, argv: ['python3'], privileges: 'supervisor' }, bounds, owner)).toMatchObject({ supervisor: true, user: SUPERVISOR_USER });
  });

  it.each([
    ['an empty argv', { argv: [] }, 'argv must be a non-empty list of strings'],
    ['a non-string argument', { argv: ['python3', 1 as unknown as string] }, 'argv must be a non-empty list of strings'],
    ['unknown privileges', { argv: ['python3'], privileges: 'root' as 'none' }, "privileges must be 'none' or 'supervisor'"],
    ['a supervisor run with a user', { argv: ['python3'], privileges: 'supervisor' as const, user: '10001:10001' }, 'leave user unset'],
    ['root as the user', { argv: ['python3'], user: '0:0' }, 'root'],
    ['a bad env name', { argv: ['python3'], env: { 'A-B': '1' } }, 'env name "A-B" is not valid'],
    ['a file escaping /task', { argv: ['python3'], files: { '../x.py': '' } }, 'file path "../x.py" must be relative'],
    ['a reserved label', { argv: ['python3'], labels: { 'memgrade.sandbox.worker': 'x' } }, 'memgrade.sandbox'],
  ])('refuses %s with a SandboxRequestError', async (_, request, message) => {
    const error: unknown = await normaliseRequest({ files, ...request }, bounds, owner).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SandboxRequestError);
    expect((error as Error).message).toContain(message);
  });
});
