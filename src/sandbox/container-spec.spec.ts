import { buildContainerSpec, checkRunUser, sandboxLabels } from './container-spec';
import { SandboxRequestError } from './sandbox-errors';

const limits = { memoryMiB: 64, timeSeconds: 5, cpus: 0.5, pids: 32, outputBytes: 4096 };
const owner = { workerId: 'host/42/abcd', hostname: 'host', processSpace: 'boot/pid:[1]', pid: 42 };

describe('buildContainerSpec', () => {
  const spec = buildContainerSpec({ image: 'img:1', limits, lifetimeSeconds: 65, labels: sandboxLabels(owner, 65) });

  it('applies every hardening of the sandbox contract', () => {
    expect(spec.HostConfig).toMatchObject({
      NetworkMode: 'none',
      ReadonlyRootfs: true,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      PidsLimit: 32,
      Memory: 64 * 1024 * 1024,
      MemorySwap: 64 * 1024 * 1024,
      NanoCpus: 500_000_000,
      Init: true,
      AutoRemove: false,
    });
    expect(spec.NetworkDisabled).toBe(true);
    expect(spec.HostConfig!.Tmpfs).toEqual({ '/tmp': expect.stringMatching(/size=\d+/) });
    expect(spec.HostConfig!.Ulimits!.map((u) => u.Name).sort()).toEqual(['core', 'fsize', 'nofile']);
    expect(spec.HostConfig!.Binds ?? []).toEqual([]);
    expect(spec.HostConfig!.Privileged).toBeUndefined();
  });

  it('adds only the supervisor capabilities, and only when asked', () => {
    expect(spec.HostConfig!.CapAdd).toBeUndefined();
    const supervised = buildContainerSpec({ image: 'img:1', limits, lifetimeSeconds: 65, labels: {}, supervisor: true });
    expect(supervised.HostConfig).toMatchObject({ CapDrop: ['ALL'], CapAdd: ['SETUID', 'SETGID', 'KILL'], SecurityOpt: ['no-new-privileges'] });
    expect(supervised.User).toBe('0:0');
  });

  it('holds the container open as the keeper, not root, and passes no environment', () => {
    expect(spec.Cmd).toEqual(['sleep', '65']);
    expect(spec.User).toBe('10000:10000');
    expect(spec.Env).toEqual([]);
    expect(spec.Volumes).toEqual({ '/task': {} });
  });

  it('labels the owner and lifetime for the reaper', () => {
    expect(spec.Labels).toEqual({
      'memgrade.sandbox': '1',
      'memgrade.sandbox.worker': 'host/42/abcd',
      'memgrade.sandbox.host': 'host',
      'memgrade.sandbox.process-space': 'boot/pid:[1]',
      'memgrade.sandbox.pid': '42',
      'memgrade.sandbox.lifetime': '65',
    });
  });
});

describe('sandboxLabels', () => {
  it('keeps extra labels but not reserved ones', () => {
    expect(sandboxLabels(owner, 1, { 'memgrade.submission': 's1' })).toMatchObject({ 'memgrade.submission': 's1' });
    expect(() => sandboxLabels(owner, 1, { 'memgrade.sandbox.worker': 'x' })).toThrow(SandboxRequestError);
    expect(() => sandboxLabels(owner, 1, { 'memgrade.sandbox': '0' })).toThrow(SandboxRequestError);
  });
});

describe('checkRunUser', () => {
  it.each(['10001:10001', 'runner', 'student:student', '10002'])('accepts %s', (user) => {
    expect(checkRunUser(user)).toBe(user);
  });
  it.each(['root', '0', '0:0', '10001:0', '00', 'root:runner', 'a:b:c', '', 'x y'])('refuses %j', (user) => {
    expect(() => checkRunUser(user)).toThrow(SandboxRequestError);
  });
});
