import type { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type Docker from 'dockerode';
import type { CgroupMemoryReading } from './cgroup-memory';
import { TASK_DIR } from './container-spec';
import type { MemoryProbe } from './memory-probe';
import { OutputCapture } from './output-capture';
import { describeError } from './sandbox-errors';
import type { SandboxLimits } from './sandbox.types';
import { captureStream } from './stream-capture';

/** How long we wait for the exec stream to close after killing a run. */
const AFTER_KILL_WAIT_MS = 3000;
/** How often a running program's exit is checked besides the end of its output stream. */
const EXIT_POLL_MS = 250;
/** Output still in flight when the exit is seen gets this long to arrive. */
const EXIT_DRAIN_MS = 200;

/** The program to run in a started container. */
export interface ProgramToRun {
  argv: string[];
  user: string;
  /** "NAME=value" entries. */
  env: string[];
  stdin: string | Buffer | undefined;
  limits: SandboxLimits;
}

/** Everything learnt while one program ran. */
export interface ExecutionRecord {
  killedFor: 'timeout' | 'output_limit' | null;
  exitCode: number | null;
  memory: CgroupMemoryReading | null;
  wallMs: number;
  capture: OutputCapture;
  error: string | null;
}

/** A program's exec, created and started, whose stdin (when it has one) is still open. */
export interface StartedProgram {
  exec: Docker.Exec;
  stream: Duplex;
  hasStdin: boolean;
}

/**
 * Creates and starts the program's exec. Its output waits in the stream until runProgram reads
 * it, and a program with stdin blocks on it until then: a pool can start one ahead of its run.
 */
export async function startProgram(container: Docker.Container, program: Pick<ProgramToRun, 'argv' | 'user' | 'env'> & { hasStdin: boolean }): Promise<StartedProgram> {
  const { argv, user, env, hasStdin } = program;
  const exec = await container.exec({
    Cmd: argv,
    User: user,
    WorkingDir: TASK_DIR,
    Env: env,
    AttachStdin: hasStdin,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
  });
  const stream = await exec.start({ hijack: true, stdin: hasStdin });
  return { exec, stream, hasStdin };
}

/**
 * Runs the program in a started container with `docker exec` (or takes one started ahead, whose
 * stdin is still unwritten), with the time limit's clock running from here and its output
 * streamed and capped, and observes it until it ends or is killed (for the time or the output
 * limit). Reads the memory cgroup before the container can go. Throws only when the engine fails
 * mid-way; a program that cannot even start comes back as a record with `error`.
 */
export async function runProgram(container: Docker.Container, program: ProgramToRun, memory: MemoryProbe, startedAhead?: StartedProgram): Promise<ExecutionRecord> {
  const { stdin, limits } = program;
  const hasStdin = stdin !== undefined;
  let exec: Docker.Exec;
  let stream: Duplex;
  try {
    ({ exec, stream } = startedAhead ?? (await startProgram(container, { ...program, hasStdin })));
  } catch (error) {
    const capture = new OutputCapture(limits.outputBytes);
    return { killedFor: null, exitCode: null, memory: null, wallMs: 0, capture, error: `could not start the program: ${describeError(error)}` };
  }
  const started = performance.now();

  // Mutated from callbacks (timer, output cap), so kept in an object rather than narrowed locals.
  const kill = {
    reason: null as ExecutionRecord['killedFor'],
    memoryBefore: null as CgroupMemoryReading | null,
    done: null as Promise<void> | null,
  };
  const killFor = (reason: 'timeout' | 'output_limit') => {
    if (kill.reason) return;
    kill.reason = reason;
    kill.done = (async () => {
      // The cgroup goes with the container's processes: read it first.
      kill.memoryBefore = await memory.read(container, { allowExec: false });
      await container.kill({ signal: 'SIGKILL' }).catch(() => undefined);
      // Should the stream not end (engine trouble), stop waiting for it.
      setTimeout(() => stream.destroy(), AFTER_KILL_WAIT_MS).unref();
    })();
  };
  // Past the cap the capture keeps nothing more; the rest is read and dropped until the kill lands
  // (a pipe's worth), so the exec ends normally and its status stays known.
  const capture = new OutputCapture(limits.outputBytes, () => killFor('output_limit'));
  const ended = captureStream(stream, capture);
  const timer = setTimeout(() => killFor('timeout'), limits.timeSeconds * 1000);
  if (hasStdin) {
    stream.write(stdin);
    // Half-close: the program sees EOF on stdin while its output keeps coming.
    stream.end();
  }

  // Usually the stream ends when the program does. A detached descendant holding its stdout keeps
  // the stream open (the daemon waits up to 2 s), so the exit is also watched for directly.
  const watch = { stopped: false };
  const exited = watchExit(exec, watch);
  await Promise.race([ended, exited.then(() => Promise.race([ended, sleep(EXIT_DRAIN_MS)]))]);
  watch.stopped = true;
  const wallMs = performance.now() - started;
  clearTimeout(timer);
  if (kill.done) await kill.done;
  if (!stream.destroyed) stream.destroy();

  let exitCode: number | null = null;
  let error: string | null = null;
  try {
    exitCode = await execExitCode(exec, kill.reason ? AFTER_KILL_WAIT_MS : 1000);
  } catch (inspectError) {
    error = `could not read the program's exit status: ${describeError(inspectError)}`;
  }
  const killedFor = kill.reason;
  // After a kill the exit status may be lost with the container; the kill itself is the outcome.
  if (killedFor) error = null;
  const reading = killedFor ? kill.memoryBefore : await memory.read(container, { allowExec: true });
  return { killedFor, exitCode, memory: reading, wallMs, capture, error };
}

/**
 * Resolves when the daemon reports the exec finished (polled; stops when `watch.stopped` is set).
 * "Not running" alone is not enough: under load the daemon answers the start request before the
 * process runs, and until then the exec is not running either — only an exit code means it ended.
 */
async function watchExit(exec: Docker.Exec, watch: { stopped: boolean }): Promise<void> {
  for (;;) {
    await sleep(EXIT_POLL_MS);
    if (watch.stopped) return new Promise(() => undefined);
    try {
      const info = await exec.inspect();
      if (!info.Running && info.ExitCode !== null && info.ExitCode !== undefined) return;
    } catch {
      // The container may be going away (a kill); the stream's end covers that.
    }
  }
}

/** The exec's exit status, waiting briefly for the daemon to record it; null if it never does. */
async function execExitCode(exec: Docker.Exec, waitMs: number): Promise<number | null> {
  const deadline = performance.now() + waitMs;
  for (;;) {
    const info = await exec.inspect();
    if (!info.Running && info.ExitCode !== null && info.ExitCode !== undefined) return info.ExitCode;
    if (performance.now() >= deadline) return null;
    await sleep(20);
  }
}
