import type { JobsOptions } from 'bullmq';

/**
 * "Run" without grading (issue 12, item 2): the API enqueues, a worker runs the student's code in a
 * plain sandbox container and returns the outcome as the job's return value. Nothing is stored in
 * Postgres: a try-run is no submission, no attempt and never reaches the gradebook.
 */
export const TRY_RUNS_QUEUE = 'try-runs';

export const TryRunJob = {
  run: 'try-run',
} as const;

export interface TryRunPayload {
  /** Who asked: only they may read the run (GET /runs/{id}). */
  userId: string;
  /** "<course>/<exercise>", for the logs and the answer. */
  exercise: string;
  /** The student's files, already checked against the exercise's student files. */
  files: Record<string, string>;
  /** The file run with `python3 <file>` when there is no snippet. */
  entry: string;
  /** Python run with `python3 -c`, in /task beside the files (so `import solution` works). */
  snippet?: string;
  limits: { memoryMiB: number; timeSeconds: number; outputBytes: number };
}

/** How a try-run ended, in a word; `summary` says it in a sentence. */
export type TryRunOutcome = 'finished' | 'error' | 'syntax_error' | 'timeout' | 'memory_limit' | 'output_limit' | 'expired' | 'sandbox_error';

export interface TryRunResult {
  outcome: TryRunOutcome;
  /** One sentence for the student, e.g. "stopped after the time limit of 5 s". */
  summary: string;
  exitCode: number | null;
  stdout: string;
  stderr: string;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
  /** The last line of a Python traceback ("ZeroDivisionError: division by zero"), when there is one. */
  error: string | null;
  /** High-water mark of the container's memory (the interpreter included), or null if unreadable. */
  peakMemoryBytes: number | null;
  wallMs: number;
  limits: { memoryMiB: number; timeSeconds: number; outputBytes: number };
}

/**
 * A try-run is never retried (a sandbox failure is an outcome the student can retry with the
 * button) and its result is kept in Redis for an hour, long enough for the page to poll it.
 */
export const tryRunJobOptions: JobsOptions = {
  attempts: 1,
  removeOnComplete: { age: 3600, count: 5_000 },
  removeOnFail: { age: 3600, count: 5_000 },
};

/** A run still waiting after this long is answered "expired" without running: nobody waits for it any more. */
export const TRY_RUN_STALE_MS = 120_000;

/** The result of a run that never ran (it waited too long, or the sandbox failed): nothing but why. */
export function notRunResult(payload: TryRunPayload, outcome: 'expired' | 'sandbox_error', summary: string): TryRunResult {
  return {
    outcome,
    summary,
    exitCode: null,
    stdout: '',
    stderr: '',
    stdoutTruncated: false,
    stderrTruncated: false,
    error: null,
    peakMemoryBytes: null,
    wallMs: 0,
    limits: payload.limits,
  };
}
