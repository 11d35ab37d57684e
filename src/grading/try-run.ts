import { notRunResult, type TryRunOutcome, type TryRunPayload, type TryRunResult } from '../queue/try-runs';
import type { SandboxRunRequest, SandboxRunResult } from '../sandbox';

/**
 * What a try-run executes: the student's files under /task and `python3 <entry>` (or `python3 -c
 * <snippet>`), as the image's unprivileged "runner" user in a plain container — no capabilities, no
 * network, read-only root, swap off, the pids and memory limits. No instructor file goes in, so the
 * harness's judge and its in-process guard are not needed: nothing in the container is secret.
 */
export function tryRunRequest(payload: TryRunPayload): SandboxRunRequest {
  const argv = payload.snippet !== undefined ? ['python3', '-c', payload.snippet] : ['python3', payload.entry];
  return {
    files: payload.files,
    argv,
    // Unbuffered: what was printed before a kill (time, memory) still reaches the student.
    env: { PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' },
    limits: { memoryMiB: payload.limits.memoryMiB, timeSeconds: payload.limits.timeSeconds, outputBytes: payload.limits.outputBytes },
    labels: { 'memgrade.try-run': '1' },
  };
}

const SYNTAX = /^\s*(SyntaxError|IndentationError|TabError)\b/;
/** "NameError: name 'x' is not defined", "KeyboardInterrupt", "mod.Custom: text" at the start of a line. */
const EXCEPTION_LINE = /^([A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt|Warning)|[A-Z]\w*Error)\b(:.*)?$/;

/** The last line of a Python traceback in stderr, if the program died of one. */
export function lastExceptionLine(stderr: string): string | null {
  if (!stderr.includes('Traceback (most recent call last)') && !SYNTAX.test(stderr.split('\n').find((line) => SYNTAX.test(line)) ?? '')) return null;
  const lines = stderr
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.length > 0);
  for (let i = lines.length - 1; i >= 0; i--) {
    if (EXCEPTION_LINE.test(lines[i].trim())) return lines[i].trim().slice(0, 500);
  }
  return null;
}

/** Where Python says a syntax error is: `File "solution.py", line 3`. */
function syntaxErrorPlace(stderr: string): string | null {
  const places = [...stderr.matchAll(/File "([^"]+)", line (\d+)/g)];
  const last = places.at(-1);
  if (!last) return null;
  if (last[1] === '<string>') return `line ${last[2]} of the snippet`;
  return `${last[1].replace(/^\/task\//, '')}, line ${last[2]}`;
}

const mib = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
const kib = (bytes: number) => `${Math.round(bytes / 1024)} KiB`;

/** The sandbox's answer as the student reads it: an outcome and a sentence. */
export function describeTryRun(run: SandboxRunResult, payload: TryRunPayload): TryRunResult {
  const error = lastExceptionLine(run.stderr);
  const seconds = (run.wallMs / 1000).toFixed(2);
  let outcome: TryRunOutcome;
  let summary: string;
  switch (run.verdict) {
    case 'ok':
      outcome = 'finished';
      summary = `finished normally (exit status 0) in ${seconds} s`;
      break;
    case 'timeout':
      outcome = 'timeout';
      summary = `stopped after the time limit of ${payload.limits.timeSeconds} s (an endless loop, or too slow)`;
      break;
    case 'memory_limit':
      outcome = 'memory_limit';
      summary = `stopped: the program went over the memory limit of ${payload.limits.memoryMiB} MiB`;
      break;
    case 'output_limit':
      outcome = 'output_limit';
      summary = `stopped: it printed more than ${kib(payload.limits.outputBytes)} on one stream; only the first ${kib(payload.limits.outputBytes)} are shown`;
      break;
    case 'crashed':
      if (error && SYNTAX.test(error)) {
        outcome = 'syntax_error';
        const place = syntaxErrorPlace(run.stderr);
        summary = `Python could not read the code${place ? ` (${place})` : ''}: ${error}`;
      } else if (run.exitCode !== null && run.exitCode > 128) {
        outcome = 'error';
        summary = `killed by signal ${run.exitCode - 128} after ${seconds} s`;
      } else {
        outcome = 'error';
        summary = error ? `ended with an exception after ${seconds} s: ${error}` : `exited with status ${run.exitCode ?? 'unknown'} after ${seconds} s`;
      }
      break;
    default:
      outcome = 'sandbox_error';
      summary = 'the sandbox could not run the code (not your program’s fault); press Run again in a moment';
  }
  if (run.peakMemoryBytes !== null && outcome !== 'sandbox_error') summary += `; peak memory ${mib(run.peakMemoryBytes)}`;
  return {
    outcome,
    summary,
    exitCode: run.exitCode,
    stdout: run.stdout,
    stderr: run.stderr,
    stdoutTruncated: run.stdoutTruncated,
    stderrTruncated: run.stderrTruncated,
    error,
    peakMemoryBytes: run.peakMemoryBytes,
    wallMs: run.wallMs,
    limits: payload.limits,
  };
}

/** The answer for a run that waited so long nobody is looking any more. */
export function expiredTryRun(payload: TryRunPayload): TryRunResult {
  return notRunResult(payload, 'expired', 'not run: it waited too long for a free sandbox; press Run again');
}
