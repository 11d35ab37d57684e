/** Resource limits of one run. Requests are clamped into range by clampLimits (sandbox-limits.ts). */
export interface SandboxLimits {
  /** Memory of the whole container, swap off (memory-swap = memory). Scratch files count too: /tmp is tmpfs. */
  memoryMiB: number;
  /** Wall-clock seconds from the program's start until it is killed. */
  timeSeconds: number;
  /** CPU share (1 = one core). */
  cpus: number;
  /** Processes and threads in the container, including the sandbox's own two (init and the idle holder). */
  pids: number;
  /** Cap on each of stdout and stderr; the run is killed when either goes past it. */
  outputBytes: number;
}

export interface SandboxRunRequest {
  /** Files delivered read-only under /task (the working directory), e.g. { 'solution.py': '…', 'data/in.txt': '…' }. */
  files: Record<string, string | Buffer>;
  /**
   * Top-level folders of `files` readable by root alone (0400/0500), e.g. the instructor's tests and
   * reference solution, which the grading harness's judge reads and student code must not.
   */
  privateDirs?: readonly string[];
  /** The program and its arguments, run in /task, e.g. ['python3', '-m', 'memgrade_harness']. */
  argv: string[];
  limits?: Partial<SandboxLimits>;
  /** Written to the program's stdin, which is then closed. Without it the program gets no stdin (EOF). */
  stdin?: string | Buffer;
  /** Environment of the program on top of the image's own (PATH, PYTHONPATH …). The worker's never leaks in. */
  env?: Record<string, string>;
  /** "uid:gid" or a user name of the image; default "10001:10001" (runner). Never root. */
  user?: string;
  /**
   * 'none' (default): the program runs as `user` with no capabilities at all.
   * 'supervisor': for the grading harness's supervisor only — the program runs as root holding just
   * CAP_SETUID, CAP_SETGID and CAP_KILL (no-new-privileges stays on), so that it can run student
   * code under another uid (10002, "student") and kill it. Trusted code only; `user` must be unset.
   * Such runs never use the pool.
   */
  privileges?: 'none' | 'supervisor';
  /**
   * Extra container labels, e.g. { 'memgrade.submission': id }, for people looking at `docker ps`;
   * keys starting memgrade.sandbox are reserved. Not applied when the run gets a pooled container.
   */
  labels?: Record<string, string>;
  /**
   * Return as soon as the run's outcome is known (its output, exit status and memory read) and
   * remove the container after that, off the caller's path; the service still removes it on every
   * path, waits for pending removals when it shuts down, and leaves a failed one to reapOrphans().
   * For grading, where the removal (≈ 0.05–0.1 s of engine work) would otherwise delay the result.
   * Default false: the container is gone when run() resolves.
   */
  removeAfterReturn?: boolean;
  /**
   * The program reads its stdin before it looks at /task or does anything of the run (the grading
   * harness's judge reads its run key first). A pooled container may then have it started already,
   * with this argv, user and environment, blocked on stdin: the run delivers the files, then the
   * stdin, and pays neither the exec nor the interpreter's start. Needs `stdin`. The time limit's
   * clock starts when the stdin is written. Default false.
   */
  startsAhead?: boolean;
}

/**
 * ok: exited 0, nothing killed. timeout / output_limit: we killed it for going past that limit.
 * memory_limit: the kernel OOM-killed a process in the container (even if the program then exited 0).
 * crashed: non-zero exit or death by a signal. sandbox_error: the infrastructure failed (engine down,
 * image missing, create failed …) — the only verdict worth retrying.
 */
export type SandboxVerdict = 'ok' | 'timeout' | 'memory_limit' | 'output_limit' | 'crashed' | 'sandbox_error';

export interface SandboxRunResult {
  verdict: SandboxVerdict;
  /** The program's exit status (128 + n for signal n), or null when it was never known. */
  exitCode: number | null;
  /** The kernel OOM-killed some process of the run (the program or any child). */
  oomKilled: boolean;
  stdout: string;
  stderr: string;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
  /** From the program's start until its exit was seen (or it was killed). */
  wallMs: number;
  /** High-water mark of the container's memory cgroup (program, its children, tmpfs scratch), or null if unreadable. */
  peakMemoryBytes: number | null;
  limits: SandboxLimits;
  /** What went wrong, for sandbox_error (and for a kill we could not confirm). */
  error?: string;
}
