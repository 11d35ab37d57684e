import type { ExecutionRecord } from './exec-session';
import { classifyVerdict } from './sandbox-verdict';
import type { SandboxLimits, SandboxRunResult } from './sandbox.types';

/** The result of a run that ran: its verdict, output, exit, memory and time. */
export function ranResult(record: ExecutionRecord, limits: SandboxLimits, oomKilled: boolean): SandboxRunResult {
  const verdict = classifyVerdict({ killedFor: record.killedFor, exitCode: record.exitCode, oomKilled, infrastructureError: record.error });
  return {
    verdict,
    exitCode: record.exitCode,
    oomKilled,
    ...record.capture.result(),
    wallMs: Math.round(record.wallMs),
    peakMemoryBytes: record.memory?.peakBytes ?? null,
    limits,
    ...(record.error ? { error: record.error } : {}),
  };
}

/** The result of a run the infrastructure failed (verdict sandbox_error, the only retriable one). */
export function failedRun(limits: SandboxLimits, error: string): SandboxRunResult {
  return {
    verdict: 'sandbox_error',
    exitCode: null,
    oomKilled: false,
    stdout: '',
    stderr: '',
    stdoutTruncated: false,
    stderrTruncated: false,
    wallMs: 0,
    peakMemoryBytes: null,
    limits,
    error,
  };
}
