import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fixture, makeSandboxService, mapConcurrently, sandboxContainers } from './sandbox-kit';
import { dockerClient } from './sandbox-kit';

// Containers come and go as they should: many runs at once leak nothing, a worker killed mid-run
// leaves containers that the next worker's start-up reaps (and a live worker's are left alone), and
// pooled containers serve exactly one run each.
jest.setTimeout(90_000);

const hello = { 'hello.py': fixture('sandbox/hello.py') };

/** The container id as the program sees it (cgroup v1 path; hostname is the same in every sandbox). */
const whoAmI = {
  'whoami.py': "import re\nprint(re.search(r'[0-9a-f]{64}', open('/proc/self/cgroup').read()).group(0))",
};

it('20 runs at concurrency 4 all succeed and leak no container', async () => {
  const sandbox = makeSandboxService();
  const results = await mapConcurrently([...Array(20).keys()], 4, (n) =>
    sandbox.run({ files: hello, argv: ['python3', 'hello.py'], stdin: `run ${n}` }),
  );
  expect(results.map((r) => r.verdict)).toEqual(Array(20).fill('ok'));
  expect(results.map((r) => r.stdout.split('\n')[1])).toEqual([...Array(20).keys()].map((n) => `stdin: 'run ${n}'`));
  expect(await sandboxContainers(sandbox)).toEqual([]);
});

it('with removeAfterReturn the container is still removed, off the run: settled() waits for the removal', async () => {
  const sandbox = makeSandboxService();
  const result = await sandbox.run({ files: whoAmI, argv: ['python3', 'whoami.py'], removeAfterReturn: true });
  expect(result.verdict).toBe('ok');
  const id = result.stdout.trim();
  expect(id).toMatch(/^[0-9a-f]{64}$/);
  await sandbox.settled();
  expect(await dockerClient().listContainers({ all: true, filters: { id: [id] } })).toEqual([]);
  expect(await sandboxContainers(sandbox)).toEqual([]);
});

it("a worker SIGKILLed mid-run leaves a container that the restarted worker's reaper removes", async () => {
  const child = spawn(process.execPath, [join(__dirname, 'worker-child.js')], { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
  const lines = createInterface({ input: child.stdout! });
  const firstLine = new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the child worker exited (${code}) before starting`)));
  });
  const { workerId } = JSON.parse(await firstLine) as { workerId: string };
  const byWorker = { all: true, filters: { label: [`memgrade.sandbox.worker=${workerId}`] } };

  // Wait until its run has a running container, then kill the worker without warning.
  const running = { filters: { label: [`memgrade.sandbox.worker=${workerId}`] } };
  await until(async () => (await dockerClient().listContainers(running)).length > 0, 'the child worker to start its run');
  await new Promise((resolve) => setTimeout(resolve, 300));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  expect(await dockerClient().listContainers(byWorker)).toHaveLength(1);

  // Another live worker's run in progress must survive the reaping.
  const live = makeSandboxService();
  const liveRun = live.run({ files: { 'solution.py': fixture('hostile/sleep_forever.py') }, argv: ['python3', 'solution.py'], limits: { timeSeconds: 3 } });
  await until(async () => (await sandboxContainers(live)).length > 0, 'the live run to have its container');

  const restarted = makeSandboxService();
  expect(await restarted.reapOrphans()).toBeGreaterThanOrEqual(1);
  expect(await dockerClient().listContainers(byWorker)).toEqual([]);
  expect(await sandboxContainers(live)).toHaveLength(1);
  expect(await liveRun).toMatchObject({ verdict: 'timeout' });
  expect(await sandboxContainers(live)).toEqual([]);
});

describe('with a pool of started containers', () => {
  const pooled = makeSandboxService({ poolSize: 2 });
  afterAll(async () => {
    await pooled.onModuleDestroy();
    expect(await sandboxContainers(pooled)).toEqual([]);
  });

  it('keeps the pool full and uses each container for exactly one run', async () => {
    await pooled.warmUp();
    const idle = (await sandboxContainers(pooled)).map((c) => c.Id);
    expect(idle).toHaveLength(2);
    const seen: string[] = [];
    for (let i = 0; i < 5; i++) {
      const result = await pooled.run({ files: whoAmI, argv: ['python3', 'whoami.py'] });
      expect(result).toMatchObject({ verdict: 'ok' });
      seen.push(result.stdout.trim());
    }
    expect(new Set(seen).size).toBe(5);
    expect(idle).toContain(seen[0]);
    // A used container is gone; the pool has refilled (or is refilling) with fresh ones.
    const now = (await sandboxContainers(pooled)).map((c) => c.Id);
    expect(now.filter((id) => seen.includes(id))).toEqual([]);
  });

  it('applies other limits to a pooled container before the run', async () => {
    await pooled.warmUp();
    const result = await pooled.run({
      files: { 'solution.py': fixture('hostile/memory_hog.py') },
      argv: ['python3', 'solution.py', '48'],
      limits: { memoryMiB: 48, timeSeconds: 5 },
    });
    expect(result).toMatchObject({ verdict: 'memory_limit', oomKilled: true });
    expect(result.peakMemoryBytes).toBeLessThanOrEqual(48 * 1024 * 1024);
  });

  it('keeps hostile programs contained (a detached child does not reach the next run)', async () => {
    await pooled.warmUp();
    const marker = String(800000 + Math.floor(Math.random() * 99999));
    const first = await pooled.run({ files: { 'solution.py': fixture('hostile/detach.py') }, argv: ['python3', 'solution.py', marker] });
    expect(first).toMatchObject({ verdict: 'ok' });
    const next = await pooled.run({ files: { 'ps.py': 'import os\nprint(sorted(open(f"/proc/{p}/cmdline").read() for p in os.listdir("/proc") if p.isdigit()))' }, argv: ['python3', 'ps.py'] });
    expect(next.stdout).not.toContain(marker);
  });
});

describe('with a pool of grading containers', () => {
  const grading = makeSandboxService({ gradingPoolSize: 1 });
  afterAll(async () => {
    await grading.onModuleDestroy();
    expect(await sandboxContainers(grading)).toEqual([]);
  });

  it("serves supervisor runs from pre-made containers with the supervisor's capabilities, once each", async () => {
    await grading.warmUp();
    const [idle] = (await sandboxContainers(grading)).map((c) => c.Id);
    const probe = {
      'caps.py':
        'import os, re\nprint(re.search(r"[0-9a-f]{64}", open("/proc/self/cgroup").read()).group(0), os.getuid(), [l.split()[1] for l in open("/proc/self/status") if l.startswith("CapEff")][0])',
    };
    const first = await grading.run({ files: probe, argv: ['python3', 'caps.py'], privileges: 'supervisor' });
    const second = await grading.run({ files: probe, argv: ['python3', 'caps.py'], privileges: 'supervisor' });
    const [host1, uid1, caps1] = first.stdout.trim().split(' ');
    const [host2] = second.stdout.trim().split(' ');
    expect(host1).toBe(idle);
    expect(host2).not.toBe(host1);
    // uid 0 holding exactly CAP_SETUID, CAP_SETGID and CAP_KILL (bits 7, 6 and 5).
    expect({ uid1, caps1 }).toEqual({ uid1: '0', caps1: '00000000000000e0' });
    // A plain run never gets one of these containers.
    const plain = await grading.run({ files: probe, argv: ['python3', 'caps.py'] });
    expect(plain.stdout.trim().split(' ')[2]).toBe('0000000000000000');
  });
});

describe('with a program started ahead in the grading pool (startsAhead)', () => {
  const grading = makeSandboxService({ gradingPoolSize: 1 });
  afterAll(async () => {
    await grading.onModuleDestroy();
    expect(await sandboxContainers(grading)).toEqual([]);
  });
  // Prints when it started, then (after its stdin) the stdin and a file of the run: files that only
  // arrive after the start are there by the time the stdin is.
  const program = {
    argv: ['python3', '-c', 'import sys, time\nstart = time.time()\nline = sys.stdin.readline().strip()\nprint(start, time.time(), line, open("/task/note.txt").read())'],
    privileges: 'supervisor' as const,
    startsAhead: true,
  };

  it('starts the program in the next pooled containers, waiting on stdin; the run delivers files and stdin, once each', async () => {
    await grading.warmUp();
    // The first run teaches the pool its program; the container that replaces it starts it ahead.
    const first = await grading.run({ ...program, files: { 'note.txt': 'one' }, stdin: 'key-1\n' });
    expect(first).toMatchObject({ verdict: 'ok' });
    expect(first.stdout.trim().split(' ').slice(2)).toEqual(['key-1', 'one']);
    await grading.warmUp();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const before = Date.now() / 1000;
    const second = await grading.run({ ...program, files: { 'note.txt': 'two' }, stdin: 'key-2\n' });
    expect(second).toMatchObject({ verdict: 'ok' });
    const [started, read, key, note] = second.stdout.trim().split(' ');
    expect({ key, note }).toEqual({ key: 'key-2', note: 'two' });
    // Started before the run began, and waited for its stdin until the run wrote it.
    expect(Number(started)).toBeLessThan(before - 1);
    expect(Number(read)).toBeGreaterThanOrEqual(before - 0.5);
    expect(second.wallMs).toBeLessThan(1000 * (Number(read) - Number(started)));
    expect(grading.poolCounts().grading).toMatchObject({ hits: 2, misses: 0 });
    // Another program never gets the one started ahead: it runs afresh in the pooled container.
    await grading.warmUp();
    const other = await grading.run({ files: { 'note.txt': 'three' }, argv: ['python3', '-c', 'print(open("/task/note.txt").read())'], privileges: 'supervisor' });
    expect(other).toMatchObject({ verdict: 'ok', stdout: 'three\n' });
  });
});

/** Polls `condition` every 50 ms for up to 20 s. */
async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
