import type { SandboxRunResult } from '../sandbox';

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/** The sandbox's verdict in words a student understands. */
export function verdictMessage(run: Pick<SandboxRunResult, 'verdict' | 'exitCode' | 'limits' | 'peakMemoryBytes' | 'stderr'>): string {
  switch (run.verdict) {
    case 'ok':
      return 'Your program ran to completion.';
    case 'timeout':
      return `Your program was stopped after ${run.limits.timeSeconds} s, the time limit of this exercise. Look for a loop that never ends or work that grows too fast.`;
    case 'memory_limit':
      return (
        `Your program used more memory than the limit of ${run.limits.memoryMiB} MiB` +
        (run.peakMemoryBytes ? ` (peak ${mib(run.peakMemoryBytes)})` : '') +
        ' and was stopped. Look for data you keep alive longer than needed, or build results lazily.'
      );
    case 'output_limit':
      return `Your program printed more than ${run.limits.outputBytes} bytes and was stopped. Remove debugging prints inside loops.`;
    case 'crashed': {
      const lastLine = run.stderr.trim().split('\n').pop() ?? '';
      return `Your program stopped with exit code ${run.exitCode}${lastLine ? `: ${lastLine.slice(0, 300)}` : ''}.`;
    }
    case 'sandbox_error':
      return 'The grading sandbox failed; your submission will be graded again.';
  }
}
