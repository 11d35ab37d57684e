// Scale-out on the engine we already use: the same burst of catalog submissions (every exercise's
// reference, REPEAT times) graded by one worker on one Docker engine, then by two workers each on
// its own engine (the main one and a second dockerd started by scripts/docker-engine.sh, with its
// own socket and data root), sharing the API, Redis and Postgres; and the same grading runs started
// as raw parallel `docker run` of the image at concurrency = cores, the baseline the issue names.
// Each phase: first POST → last submission graded; throughput in gradings per minute.
// Run: npm run bench:scale   (REPEAT=2, EXERCISES=a,b to choose, WORKER_CONCURRENCY=auto by default;
// any other variable, e.g. SANDBOX_GRADING_POOL_SIZE=2, passes through to the API and the workers)
import { execFile, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../src/config/config.loader';
import { loadExerciseFolder } from '../src/exercises/format/exercise-folder';
import { solutionFiles } from '../src/grading/exercise-validation';
import { decodeResultFrame } from '../src/grading/harness/result-frame';
import { buildHarnessTask, HARNESS_PRIVATE_DIRS, HARNESS_TASK_DIR } from '../src/grading/harness/harness-task';
import { resolveSandboxImage } from '../src/sandbox/sandbox-image';
import { clampLimits, limitBoundsFromConfig } from '../src/sandbox/sandbox-limits';
import { buildTaskArchive } from '../src/sandbox/task-archive';
import { kill, launch, type Proc } from '../test/support/processes';
import { benchStackEnv, freshBenchStack, rssMiB, waitForHealth } from './bench-stack';
import { cpuSnapshot, cpuSpent, formatCpu, type CpuGroup } from './cpu-accounting';

const run = promisify(execFile);
const REPEAT = Number(process.env.REPEAT ?? 2);
const PORT = Number(process.env.BENCH_PORT ?? 3918);
const ROOT = resolve(__dirname, '../../..');
const CORES = availableParallelism();
const SECOND_ENGINE = process.env.SECOND_DOCKER_HOST ?? 'unix:///run/memgrade-docker-2.sock';
const MAIN_ENGINE = process.env.DOCKER_HOST || 'unix:///var/run/docker.sock';

interface BurstItem {
  exercise: string;
  slug: string;
  files: Record<string, string>;
}

interface Phase {
  name: string;
  graded: number;
  seconds: number;
  perMinute: number;
  workerRssMiB?: string;
  /** CPU seconds per grading: the machine's, then by process group (cpu-accounting.ts). */
  cpuPerGrading: string;
}

/** The process groups a phase's CPU is split into; the API's and the workers' by pid. */
const cpuGroups = (api: Proc | undefined, workers: Proc[]): CpuGroup[] => [
  ['api', new Set(api ? [api.child.pid!] : [])],
  ['workers', new Set(workers.map((w) => w.child.pid!))],
  ['dockerd', (comm) => comm === 'dockerd'],
  ['containerd + shims', (comm) => comm.startsWith('containerd')],
  ['docker CLI', (comm) => comm === 'docker'],
  ['postgres', (comm) => comm === 'postgres'],
  ['redis', (comm) => comm === 'redis-server'],
];

async function main(): Promise<void> {
  const stack = await freshBenchStack('bench_scale');
  const { DATABASE_URL, REDIS_URL, prisma, data } = stack;

  // The catalog, stored as the platform stores a published version; one student per submission, so
  // the queued limit and priorities treat every submission alike.
  const course = await data.newCourse('bench-scale');
  const chosen = process.env.EXERCISES?.split(',');
  const catalog = resolve(ROOT, 'exercises');
  const slugs = readdirSync(catalog, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && (!chosen || chosen.includes(e.name)))
    .map((e) => e.name)
    .sort();
  const burst: BurstItem[] = [];
  for (const slug of slugs) {
    const folder = join(catalog, slug);
    const stored = await data.newExercise(course.id, folder);
    const { spec, files } = loadExerciseFolder(folder);
    const studentFiles = solutionFiles(spec, files, 'reference');
    for (let i = 0; i < REPEAT; i++) burst.push({ exercise: `${course.slug}/${stored.slug}`, slug, files: studentFiles });
  }
  const students: string[] = [];
  for (let i = 0; i < burst.length * 2; i++) {
    const student = await data.newUser('student');
    await data.enrol(course.id, student.id, 'student');
    students.push(student.key);
  }

  const env = { ...benchStackEnv(DATABASE_URL, REDIS_URL, PORT), WORKER_CONCURRENCY: process.env.WORKER_CONCURRENCY ?? 'auto' };
  const url = `http://127.0.0.1:${PORT}`;
  const procs: Proc[] = [];
  const api = launch('main.js', env);
  procs.push(api);
  const phases: Phase[] = [];
  let nextStudent = 0;
  try {
    await waitForHealth(`${url}/health`, 60_000);
    const liveWorkers = async () => ((await (await fetch(`${url}/health`)).json()) as { checks: { docker: { workers?: number } } }).checks.docker.workers ?? 0;
    const workerOn = async (dockerHost: string) => {
      const worker = launch('worker.js', { ...env, DOCKER_HOST: dockerHost });
      procs.push(worker);
      return worker;
    };
    const gradeBurst = async (name: string, workers: Proc[]): Promise<Phase> => {
      const deadline = Date.now() + 60_000;
      while ((await liveWorkers()) < workers.length) {
        if (Date.now() > deadline) throw new Error(`${workers.length} workers did not beat: ${workers.map((w) => w.output.join('')).join('\n')}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      const cpuBefore = await cpuSnapshot();
      const started = performance.now();
      const ids = await Promise.all(
        burst.map(async (item) => {
          const key = students[nextStudent++ % students.length];
          const response = await fetch(`${url}/api/v1/submissions`, {
            method: 'POST',
            headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
            body: JSON.stringify({ exercise: item.exercise, files: item.files }),
          });
          if (response.status !== 202) throw new Error(`POST answered ${response.status}: ${await response.text()}`);
          return ((await response.json()) as { id: string }).id;
        }),
      );
      for (;;) {
        const done = await prisma.submission.count({ where: { id: { in: ids }, status: { in: ['graded', 'error'] } } });
        if (done === ids.length) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const seconds = (performance.now() - started) / 1000;
      const cpu = cpuSpent(cpuBefore, await cpuSnapshot(), cpuGroups(api, workers));
      const ended = await prisma.submission.findMany({ where: { id: { in: ids } }, select: { status: true, score: true, maxScore: true } });
      const wrong = ended.filter((s) => s.status !== 'graded' || s.score !== s.maxScore).length;
      if (wrong) console.warn(`${name}: ${wrong} of ${ids.length} submissions did not end graded with full marks`);
      const rss = (await Promise.all(workers.map((w) => rssMiB(w.child.pid!)))).join(' + ');
      return { name, graded: ids.length, seconds, perMinute: (ids.length / seconds) * 60, workerRssMiB: rss, cpuPerGrading: formatCpu(cpu, ids.length) };
    };

    const first = await workerOn(MAIN_ENGINE);
    phases.push(await gradeBurst('one worker, one engine', [first]));
    const second = await workerOn(SECOND_ENGINE);
    phases.push(await gradeBurst('two workers, two engines', [first, second]));
    await kill(first, 'SIGTERM');
    await kill(second, 'SIGTERM');
    phases.push(await rawDockerRuns(burst, CORES));
  } finally {
    for (const proc of procs) await kill(proc, 'SIGTERM');
    await stack.close();
  }

  const [one, two, raw] = phases;
  console.log(`\nscale-out: ${burst.length} catalog references (${slugs.length} exercises × ${REPEAT}) as one burst, ${CORES} cores, WORKER_CONCURRENCY=${env.WORKER_CONCURRENCY}`);
  console.log(`${'phase'.padEnd(44)} ${'graded'.padStart(6)} ${'seconds'.padStart(8)} ${'per min'.padStart(8)}  worker RSS MiB`);
  for (const p of phases)
    console.log(`${p.name.padEnd(44)} ${String(p.graded).padStart(6)} ${p.seconds.toFixed(1).padStart(8)} ${p.perMinute.toFixed(1).padStart(8)}  ${p.workerRssMiB ?? '–'}`);
  console.log('\nCPU seconds per grading (machine, then by process group):');
  for (const p of phases) console.log(`${p.name.padEnd(44)} ${p.cpuPerGrading}`);
  console.log(`\ntwo workers on two engines ÷ one: ${(two.perMinute / one.perMinute).toFixed(2)}× (target ≥ 1.8×; both engines share this machine's ${CORES} cores)`);
  console.log(`one worker ÷ raw parallel docker run at concurrency ${CORES}: ${(one.perMinute / raw.perMinute).toFixed(2)}× (target ≥ 0.9×)`);
}

/**
 * The burst's grading runs as bare `docker run --rm -i` of the image, CORES at a time: the same task
 * files (extracted from the same archive into a directory mounted read-only at /task), the same key
 * on stdin, the same capabilities and limits; the frame is verified as the worker verifies it.
 */
async function rawDockerRuns(burst: BurstItem[], concurrency: number): Promise<Phase> {
  // Read for the sandbox's settings only (image, limit bounds): no database is opened.
  const config = loadConfig({ DATABASE_URL: 'postgresql://unused@127.0.0.1/unused', REDIS_URL: 'redis://127.0.0.1', ...process.env });
  const image = resolveSandboxImage(config.SANDBOX_IMAGE);
  const bounds = limitBoundsFromConfig(config);
  const dirs: string[] = [];
  const tasks: { dir: string; limits: ReturnType<typeof clampLimits> }[] = [];
  for (const item of burst) {
    const { spec, files } = loadExerciseFolder(resolve(ROOT, 'exercises', item.slug));
    const dir = await mkdtemp(join(tmpdir(), 'memgrade-raw-'));
    dirs.push(dir);
    const archive = await buildTaskArchive(buildHarnessTask(item.slug, spec, files, {}, item.files), HARNESS_PRIVATE_DIRS);
    await writeFile(join(dir, 'task.tar'), archive);
    await run('mkdir', [join(dir, 'task')]);
    await run('tar', ['-xpf', join(dir, 'task.tar'), '-C', join(dir, 'task'), '--same-owner']);
    await chmod(join(dir, 'task'), 0o555);
    // The limits the worker's grader asks for (HarnessGrader: two CPUs unless the exercise says otherwise).
    const limits = clampLimits({ cpus: 2, ...spec.limits }, bounds);
    tasks.push({ dir, limits });
  }
  let next = 0;
  let failed = 0;
  const cpuBefore = await cpuSnapshot();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < tasks.length) {
        const task = tasks[next++];
        const key = randomBytes(32).toString('hex');
        const args = [
          'run',
          '--rm',
          '-i',
          '--network',
          'none',
          '--read-only',
          '--init',
          '--user',
          '0:0',
          '--cap-drop',
          'ALL',
          '--cap-add',
          'SETUID',
          '--cap-add',
          'SETGID',
          '--cap-add',
          'KILL',
          '--security-opt',
          'no-new-privileges',
          '--tmpfs',
          '/tmp:rw,noexec,nosuid,nodev,size=64m,mode=1777',
          '--memory',
          `${task.limits.memoryMiB}m`,
          '--memory-swap',
          `${task.limits.memoryMiB}m`,
          '--cpus',
          String(task.limits.cpus),
          '--pids-limit',
          String(task.limits.pids),
          '--log-driver',
          'none',
          '-v',
          `${join(task.dir, 'task')}:${HARNESS_TASK_DIR}:ro`,
          '-w',
          HARNESS_TASK_DIR,
          image,
          'python3',
          '-m',
          'memgrade_harness',
          '--task',
          HARNESS_TASK_DIR,
        ];
        const stdout = await new Promise<Buffer>((resolveRun) => {
          const child = spawn('docker', args, { stdio: ['pipe', 'pipe', 'ignore'] });
          const chunks: Buffer[] = [];
          child.stdout.on('data', (c: Buffer) => chunks.push(c));
          child.on('close', () => resolveRun(Buffer.concat(chunks)));
          child.stdin.end(`${key}\n`);
        });
        try {
          decodeResultFrame(stdout, key);
        } catch {
          failed++;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuSpent(cpuBefore, await cpuSnapshot(), cpuGroups(undefined, []));
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  if (failed) console.warn(`raw docker run: ${failed} of ${tasks.length} runs gave no valid result frame`);
  return {
    name: `raw parallel docker run, concurrency ${concurrency}`,
    graded: tasks.length,
    seconds,
    perMinute: (tasks.length / seconds) * 60,
    cpuPerGrading: formatCpu(cpu, tasks.length),
  };
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
