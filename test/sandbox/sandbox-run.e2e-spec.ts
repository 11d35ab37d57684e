import { Test } from '@nestjs/testing';
import { ConfigModule } from '../../src/config/config.module';
import { SandboxInfrastructureError, SandboxModule, SandboxRequestError, SandboxService } from '../../src/sandbox';
import { fixture, makeSandboxService, mapConcurrently, sandboxConfig, sandboxContainers } from './sandbox-kit';

// Normal programs against the real engine and image: delivery of files, stdin, env, users, exit
// statuses, peak memory and OOM detection — through both ways of reading the memory cgroup.
jest.setTimeout(60_000);

const MiB = 1024 * 1024;
const sandbox = makeSandboxService();
// Forces the reading from inside the container, as on a remote engine whose cgroups are not visible here.
const remoteStyle = makeSandboxService({ cgroupRoot: '/nonexistent-cgroup-root' });

afterAll(async () => {
  expect(await sandboxContainers(sandbox)).toEqual([]);
  expect(await sandboxContainers(remoteStyle)).toEqual([]);
});

const hello = { 'hello.py': fixture('sandbox/hello.py') };

describe('SandboxService.run with normal programs', () => {
  it('runs a program with stdin, stdout and stderr', async () => {
    const result = await sandbox.run({ files: hello, argv: ['python3', 'hello.py'], stdin: 'per-run-secret-key' });
    expect(result).toMatchObject({
      verdict: 'ok',
      exitCode: 0,
      oomKilled: false,
      stdout: "hello from the sandbox\nstdin: 'per-run-secret-key'\n",
      stderr: 'a word on stderr\n',
      stdoutTruncated: false,
      stderrTruncated: false,
    });
    expect(result.error).toBeUndefined();
    expect(result.wallMs).toBeGreaterThan(0);
    expect(result.peakMemoryBytes).toBeGreaterThan(1 * MiB);
    expect(result.limits).toEqual(sandbox.bounds.defaults);
  });

  it('gives a program without stdin an immediate EOF', async () => {
    const result = await sandbox.run({ files: hello, argv: ['python3', 'hello.py'] });
    expect(result.stdout).toContain("stdin: ''");
  });

  it('passes a large stdin whole', async () => {
    const big = 'k'.repeat(3 * MiB);
    const result = await sandbox.run({
      files: { 'count.py': 'import sys\nprint(len(sys.stdin.buffer.read()))' },
      argv: ['python3', 'count.py'],
      stdin: big,
    });
    expect(result.stdout).toBe(`${big.length}\n`);
  });

  it('reports a non-zero exit as crashed with its status', async () => {
    const result = await sandbox.run({ files: hello, argv: ['python3', 'hello.py', '3'] });
    expect(result).toMatchObject({ verdict: 'crashed', exitCode: 3, oomKilled: false });
  });

  it('reports death by a signal (abort) as crashed', async () => {
    const result = await sandbox.run({ files: { 'a.py': 'import os\nos.abort()' }, argv: ['python3', 'a.py'] });
    expect(result).toMatchObject({ verdict: 'crashed', exitCode: 134 });
  });

  it('reports a program that cannot start as crashed (126/127 from the runtime)', async () => {
    const result = await sandbox.run({ files: hello, argv: ['no-such-program'] });
    expect(result).toMatchObject({ verdict: 'crashed' });
    expect([126, 127]).toContain(result.exitCode);
  });

  it('delivers files root-owned and read-only, runs as runner in /task, with only the given env', async () => {
    const result = await sandbox.run({
      files: { 'describe.py': fixture('sandbox/describe_task.py'), 'data/input.txt': 'ünïcode input\n' },
      argv: ['python3', 'describe.py'],
      env: { GRADING_MODE: 'strict' },
    });
    expect(result).toMatchObject({ verdict: 'ok' });
    const seen = JSON.parse(result.stdout);
    expect(seen).toMatchObject({
      files: {
        'describe.py': { uid: 0, mode: '0o444' },
        data: { uid: 0, mode: '0o555' },
        'data/input.txt': { uid: 0, mode: '0o444' },
      },
      content: 'ünïcode input\n',
      uid: 10001,
      gid: 10001,
      cwd: '/task',
    });
    expect(Object.keys(seen.files).sort()).toEqual(['data', 'data/input.txt', 'describe.py']);
    expect(seen.env.GRADING_MODE).toBe('strict');
    expect(seen.env.PYTHONPATH).toBe('/opt/memgrade/harness');
  });

  it('runs as another image user when asked, and never as root', async () => {
    const result = await sandbox.run({ files: { 'id.py': 'import os\nprint(os.getuid())' }, argv: ['python3', 'id.py'], user: 'student' });
    expect(result.stdout).toBe('10002\n');
    await expect(sandbox.run({ files: {}, argv: ['id'], user: 'root' })).rejects.toThrow(SandboxRequestError);
    await expect(sandbox.run({ files: {}, argv: ['id'], user: '0:0' })).rejects.toThrow(SandboxRequestError);
    await expect(sandbox.run({ files: { '../x': '' }, argv: ['id'] })).rejects.toThrow(SandboxRequestError);
    await expect(sandbox.run({ files: {}, argv: [] })).rejects.toThrow(SandboxRequestError);
  });

  it("a 'supervisor' run is root with only SETUID, SETGID and KILL, and its student child has nothing", async () => {
    const result = await sandbox.run({ files: { 'supervisor.py': fixture('sandbox/supervisor.py') }, argv: ['python3', 'supervisor.py'], privileges: 'supervisor' });
    expect(result).toMatchObject({ verdict: 'ok' });
    expect(JSON.parse(result.stdout)).toEqual({
      uid: 0,
      caps: '00000000000000e0', // bits 5 (KILL), 6 (SETGID), 7 (SETUID)
      child: { uid: 10002, caps: '0000000000000000', 'write task': 'PermissionError', 'back to root': 'PermissionError' },
    });
    await expect(sandbox.run({ files: {}, argv: ['id'], privileges: 'supervisor', user: 'runner' })).rejects.toThrow(SandboxRequestError);
  });

  it('a normal run has no capabilities at all', async () => {
    const result = await sandbox.run({ files: {}, argv: ['grep', 'CapEff', '/proc/self/status'] });
    expect(result.stdout).toBe('CapEff:\t0000000000000000\n');
  });

  it('has the measuring tools the graders use', async () => {
    const result = await sandbox.run({ files: { 'imports.py': fixture('sandbox/imports.py') }, argv: ['python3', 'imports.py'] });
    expect(result).toMatchObject({ verdict: 'ok' });
    expect(JSON.parse(result.stdout)).toMatchObject({ python: expect.stringMatching(/^3\.11\./), memory_profiler: '0.61.0' });
  });

  it('clamps limits into the configured range', async () => {
    const result = await sandbox.run({ files: hello, argv: ['true'], limits: { memoryMiB: 1e9, timeSeconds: 0.01, pids: 1 } });
    expect(result).toMatchObject({ verdict: 'ok' });
    expect(result.limits).toMatchObject({ memoryMiB: sandbox.bounds.maxima.memoryMiB, timeSeconds: 1, pids: 8 });
  });

  describe.each([
    ['from the host cgroup filesystem', sandbox],
    ['from inside the container (remote engine)', remoteStyle],
  ])('memory, read %s', (_how, service) => {
    it('measures the peak of a 100 MiB allocation', async () => {
      const result = await service.run({ files: { 'allocate.py': fixture('sandbox/allocate.py') }, argv: ['python3', 'allocate.py', '100'], limits: { memoryMiB: 256 } });
      expect(result).toMatchObject({ verdict: 'ok' });
      expect(result.peakMemoryBytes).toBeGreaterThan(100 * MiB);
      expect(result.peakMemoryBytes).toBeLessThan(140 * MiB);
    });

    it('calls a child OOM-killed while the program exits 0 memory_limit', async () => {
      const result = await service.run({ files: { 'child.py': fixture('sandbox/child_oom.py') }, argv: ['python3', 'child.py'], limits: { memoryMiB: 48 } });
      expect(result).toMatchObject({ verdict: 'memory_limit', exitCode: 0, oomKilled: true, stdout: 'child ended by signal 9\n' });
    });
  });
});

describe('infrastructure failures', () => {
  it('a missing image is a retriable sandbox_error that leaves nothing behind', async () => {
    const broken = makeSandboxService({ image: 'memgrade-sandbox:does-not-exist' });
    const result = await broken.run({ files: hello, argv: ['python3', 'hello.py'] });
    expect(result).toMatchObject({ verdict: 'sandbox_error' });
    expect(result.error).toMatch(/No such image|not found/i);
    await expect(broken.ping()).rejects.toThrow(SandboxInfrastructureError);
    expect(await sandboxContainers(broken)).toEqual([]);
  });

  it('an unreachable engine is a retriable sandbox_error', async () => {
    const down = makeSandboxService({}, { DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    const result = await down.run({ files: hello, argv: ['python3', 'hello.py'] });
    expect(result).toMatchObject({ verdict: 'sandbox_error' });
    await expect(down.ping()).rejects.toThrow(/does not answer/);
  });
});

describe('SandboxModule', () => {
  it('provides a working SandboxService through Nest', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [ConfigModule.forRoot(sandboxConfig()), SandboxModule] }).compile();
    const service = moduleRef.get(SandboxService);
    await service.ping();
    const results = await mapConcurrently([1, 2], 2, (n) => service.run({ files: hello, argv: ['python3', 'hello.py'], stdin: String(n) }));
    expect(results.map((r) => r.stdout.split('\n')[1])).toEqual(["stdin: '1'", "stdin: '2'"]);
    await moduleRef.close();
  });
});
