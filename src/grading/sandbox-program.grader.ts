import { Injectable } from '@nestjs/common';
import { SandboxService, type SandboxRunResult } from '../sandbox';
import { InfrastructureError, SubmissionGrader, type GradeInput, type GradeOutcome } from './grade-outcome';
import { verdictMessage } from './verdict-message';

/**
 * Interim grader until the memory harness lands: runs the student's first file as a program in the
 * sandbox under the exercise's limits and scores whether it completes. It already gives students
 * the sandbox's verdict in words (timeout, memory limit with the peak, output limit, crash).
 */
@Injectable()
export class SandboxProgramGrader extends SubmissionGrader {
  constructor(private readonly sandbox: SandboxService) {
    super();
  }

  async grade(input: GradeInput): Promise<GradeOutcome> {
    const entry = input.spec.studentFiles[0];
    const run = await this.sandbox.run({
      files: input.studentFiles,
      argv: ['python3', entry],
      limits: input.spec.limits,
      labels: { 'memgrade.submission': input.submissionId },
    });
    if (run.verdict === 'sandbox_error') throw new InfrastructureError(run.error ?? 'sandbox failed');
    const maxScore = input.spec.tests.reduce((sum, test) => sum + test.points, 0);
    const passed = run.verdict === 'ok';
    return {
      verdict: run.verdict,
      tests: [
        {
          name: `${entry} runs to completion`,
          score: passed ? maxScore : 0,
          maxScore,
          passed,
          hidden: false,
          message: verdictMessage(run),
          measurements: measurementsOf(run),
        },
      ],
      exitCode: run.exitCode,
      wallMs: run.wallMs,
      peakMemoryBytes: run.peakMemoryBytes,
      stdout: run.stdout,
      stderr: run.stderr,
      flags: [],
    };
  }
}

function measurementsOf(run: SandboxRunResult): Record<string, unknown> {
  const mib = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
  return {
    wall_ms: run.wallMs,
    limit_mib: run.limits.memoryMiB,
    ...(run.peakMemoryBytes === null ? {} : { peak_mib: mib(run.peakMemoryBytes) }),
  };
}
