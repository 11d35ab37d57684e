import { readdirSync, readFileSync } from 'node:fs';
import type { SandboxRunRequest, SandboxRunResult, SandboxVerdict } from '../../src/sandbox/sandbox.types';
import { fixture, makeSandboxService, sandboxContainers } from './sandbox-kit';
import { dockerClient } from './sandbox-kit';

// Hostile programs against the real engine and image. Each must end with the right verdict within
// its wall limit + 3 s, leave no container behind, and not spoil the next normal run. The cases are
// independent, so they run concurrently (each with its own label to find its container by).
jest.setTimeout(60_000);

const sandbox = makeSandboxService();
const WALL_SECONDS = 2;
const MEMORY_MIB = 64;
const CANARY = `canary-${process.pid}-${Date.now()}`;

beforeAll(() => {
  // What a worker's environment holds; none of it may reach a program.
  process.env.MEMGRADE_TEST_CANARY = CANARY;
  process.env.DATABASE_URL ??= `postgresql://secret-${CANARY}@127.0.0.1:5432/x`;
  process.env.REDIS_URL ??= `redis://:secret-${CANARY}@127.0.0.1:6379`;
});

afterAll(async () => {
  expect(await sandboxContainers(sandbox)).toEqual([]);
});

/** Runs a hostile fixture as solution.py and checks the promises every run makes, whatever its verdict. */
async function runHostile(
  name: string,
  expected: SandboxVerdict,
  request: Partial<SandboxRunRequest> = {},
): Promise<SandboxRunResult> {
  const caseLabel = `${name}-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const started = Date.now();
  const result = await sandbox.run({
    files: { 'solution.py': fixture(`hostile/${name}.py`) },
    argv: ['python3', 'solution.py'],
    limits: { timeSeconds: WALL_SECONDS, memoryMiB: MEMORY_MIB },
    labels: { 'memgrade.test.case': caseLabel },
    ...request,
  });
  const elapsed = Date.now() - started;
  expect({ verdict: result.verdict, error: result.error }).toEqual({ verdict: expected, error: undefined });
  // Ended by its own limits, not by some later safety net: within the wall clock plus container
  // start and removal, which take seconds when parallel e2e files load the machine.
  expect(elapsed).toBeLessThan(result.limits.timeSeconds * 1000 + 10_000);
  const left = await dockerClient().listContainers({ all: true, filters: { label: [`memgrade.test.case=${caseLabel}`] } });
  expect(left).toEqual([]);
  const next = await sandbox.run({ files: { 'hello.py': fixture('sandbox/hello.py') }, argv: ['python3', 'hello.py'], stdin: 'after' });
  expect(next).toMatchObject({ verdict: 'ok' });
  expect(next.stdout).toContain("stdin: 'after'");
  return result;
}

describe('hostile programs', () => {
  it.concurrent('a fork bomb is contained by the pids limit and stopped by the wall clock', async () => {
    const result = await runHostile('fork_bomb', 'timeout');
    expect(result.oomKilled).toBe(false);
  });

  it.concurrent('allocating 10x the memory limit is OOM-killed', async () => {
    const result = await runHostile('memory_hog', 'memory_limit', { argv: ['python3', 'solution.py', String(MEMORY_MIB)] });
    expect(result.oomKilled).toBe(true);
    expect(result.exitCode).toBe(137);
    expect(result.stdout).toBe('');
    expect(result.peakMemoryBytes).toBeGreaterThan(MEMORY_MIB * 1024 * 1024 * 0.9);
    expect(result.peakMemoryBytes).toBeLessThanOrEqual(MEMORY_MIB * 1024 * 1024);
  });

  it.concurrent('an infinite loop times out (killed, not OOM)', async () => {
    const result = await runHostile('infinite_loop', 'timeout');
    expect(result.exitCode).toBe(137);
    expect(result.oomKilled).toBe(false);
    expect(result.wallMs).toBeGreaterThanOrEqual(WALL_SECONDS * 1000);
  });

  it.concurrent('sleeping for 10**6 seconds times out', async () => {
    const result = await runHostile('sleep_forever', 'timeout');
    expect(result.exitCode).toBe(137);
  });

  it.concurrent('ignoring SIGTERM does not help: the kill is SIGKILL', async () => {
    const result = await runHostile('ignore_sigterm', 'timeout');
    expect(result.stdout).toBe('ignoring polite signals\n');
    expect(result.exitCode).toBe(137);
  });

  it.concurrent('1 GiB on stdout is cut at the cap, killed, and does not grow the worker', async () => {
    const outputBytes = 256 * 1024;
    const rssBefore = process.memoryUsage().rss;
    const timeSeconds = 10;
    const result = await runHostile('stdout_flood', 'output_limit', { limits: { timeSeconds, outputBytes } });
    expect(result.stdout.length).toBe(outputBytes);
    expect(result.stdoutTruncated).toBe(true);
    expect(result.stderrTruncated).toBe(false);
    // The verdict says the cap stopped it; the wall clock only that the time limit did not (a
    // tighter bound failed at 5.5 s while the rest of the suite loaded both cores).
    expect(result.wallMs).toBeLessThan(timeSeconds * 1000);
    // Other cases run meanwhile, so this is loose; a buffered flood would be ≥ 1 GiB.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(256 * 1024 * 1024);
  });

  it.concurrent('filling scratch stops at its size', async () => {
    const result = await runHostile('fill_scratch', 'ok', { limits: { timeSeconds: 10, memoryMiB: 256 } });
    const report = JSON.parse(result.stdout) as { written: number; error: string };
    expect(report.written).toBeLessThanOrEqual(64 * 1024 * 1024);
    expect(report.error).toMatch(/^OSError: \[Errno (28|27)\]/); // ENOSPC (tmpfs full) or EFBIG (fsize)
  });

  it.concurrent('writing outside scratch fails everywhere', async () => {
    const result = await runHostile('write_outside', 'ok');
    const attempts = JSON.parse(result.stdout) as Record<string, string>;
    expect(Object.keys(attempts)).toHaveLength(13);
    for (const [what, outcome] of Object.entries(attempts)) {
      expect([what, outcome]).toEqual([what, expect.stringMatching(/^(PermissionError|OSError|FileNotFoundError)$/)]);
    }
  });

  it.concurrent('no network: loopback services and the outside are unreachable', async () => {
    const result = await runHostile('network', 'ok');
    const outcomes = JSON.parse(result.stdout) as Record<string, string>;
    expect(outcomes).toEqual({
      'loopback postgres': 'ConnectionRefusedError',
      'loopback redis': 'ConnectionRefusedError',
      'loopback docker api': 'ConnectionRefusedError',
      'outside by name': 'gaierror',
      'outside by address': 'OSError',
      dns: 'gaierror',
    });
  });

  it.concurrent("no secrets: host files, the Docker socket and the worker's environment stay out", async () => {
    const result = await runHostile('secrets', 'ok');
    const found = JSON.parse(result.stdout) as Record<string, unknown> & { env: Record<string, string> };
    expect(found.shadow).toBe('PermissionError');
    expect(found.gshadow).toBe('PermissionError');
    expect(found['init environ']).toBe('PermissionError');
    expect(found['docker socket']).toBe(false);
    const names = Object.keys(found.env);
    expect(names.filter((name) => /^(DATABASE_URL|REDIS_URL|DOCKER_HOST|MEMGRADE_)/.test(name))).toEqual([]);
    expect(JSON.stringify(found.env)).not.toContain(CANARY);
    expect(names.sort()).toEqual(['HOME', 'HOSTNAME', 'LANG', 'MPLCONFIGDIR', 'PATH', 'PYTHONDONTWRITEBYTECODE', 'PYTHONPATH', 'PYTHONUNBUFFERED']);
  });

  it.concurrent('PID 1 cannot be killed and killing everything else is harmless', async () => {
    const result = await runHostile('kill_init', 'ok');
    expect(JSON.parse(result.stdout)).toEqual({
      ppid: 0,
      'SIGKILL init': 'PermissionError',
      'SIGTERM init': 'PermissionError',
      'SIGKILL all': 'SENT',
    });
  });

  it.concurrent('exiting 0 before any output is ok with empty output (the harness judges the missing result)', async () => {
    const result = await runHostile('exit_early', 'ok');
    expect(result).toMatchObject({ exitCode: 0, stdout: '', stderr: '' });
  });

  it.concurrent('a detached grandchild (double fork, setsid) does not outlive the run', async () => {
    const marker = String(900000 + Math.floor(Math.random() * 99999));
    const result = await runHostile('detach', 'ok', { argv: ['python3', 'solution.py', marker] });
    expect(result.stdout).toBe('parent leaving\n');
    // The container is gone (checked above); with a local engine, so is every process of it.
    expect(processesWithCommandLine(`sleep\0${marker}\0`)).toEqual([]);
  });
});

/** Pids on this machine whose command line is exactly `cmdline` (NUL-separated). Empty for a remote engine. */
function processesWithCommandLine(cmdline: string): string[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8') === cmdline;
      } catch {
        return false;
      }
    });
}
