import type { SandboxVerdict } from './sandbox.types';

/** What was observed about one run, before it is named. */
export interface RunObservation {
  /** Set when we killed the run, and why. */
  killedFor: 'timeout' | 'output_limit' | null;
  exitCode: number | null;
  /** The kernel OOM-killed some process of the run. */
  oomKilled: boolean;
  /** The infrastructure failed (engine, image, container) before an outcome was known. */
  infrastructureError: string | null;
}

/**
 * Names the outcome. Precedence: an infrastructure failure; then a kill we decided (output first:
 * a flood is also slow); then an OOM kill, even with exit code 0 (a child was killed, the parent
 * carried on); then the exit code. A missing exit code with no kill of ours means we lost the
 * process (the container vanished): that is infrastructure, so retriable.
 */
export function classifyVerdict(observation: RunObservation): SandboxVerdict {
  if (observation.infrastructureError !== null) return 'sandbox_error';
  if (observation.killedFor === 'output_limit') return 'output_limit';
  if (observation.killedFor === 'timeout') return 'timeout';
  if (observation.oomKilled) return 'memory_limit';
  if (observation.exitCode === null) return 'sandbox_error';
  return observation.exitCode === 0 ? 'ok' : 'crashed';
}

/** sandbox_error is the only verdict that says nothing about the program, so the only one to retry. */
export function isRetriableVerdict(verdict: SandboxVerdict): boolean {
  return verdict === 'sandbox_error';
}
