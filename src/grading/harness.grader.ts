import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { SandboxService, type SandboxRunResult } from '../sandbox';
import { ExerciseDefectError, InfrastructureError, SubmissionGrader, type GradeInput, type GradeOutcome, type TestOutcome } from '../results/grade-outcome';
import { FrameError, decodeResultFrame } from './harness/result-frame';
import { isHarnessResult, type HarnessResult } from './harness/harness-result';
import { buildHarnessTask, HARNESS_PRIVATE_DIRS, HARNESS_TASK_DIR } from './harness/harness-task';
import { verdictMessage } from './verdict-message';

/** The result document carries samples for plots and the student's output: give it room. */
const HARNESS_OUTPUT_BYTES = 8 * 1024 * 1024;
const GRADING_CPUS = 2;

/**
 * Grades a submission with the memory harness (sandbox/harness): the supervisor runs as root with
 * only SETUID/SETGID/KILL, runs every test in a child under the student uid, and writes one frame
 * signed with a key it got on stdin. A frame that verifies is the result, whatever the container's
 * OOM flag says (a test child may have been OOM-killed and reported as such). No frame means the
 * whole run was stopped (time, memory, output: a graded result that says so) or the harness failed
 * (infrastructure: retried).
 */
@Injectable()
export class HarnessGrader extends SubmissionGrader {
  constructor(private readonly sandbox: SandboxService) {
    super();
  }

  async grade(input: GradeInput): Promise<GradeOutcome> {
    const key = randomBytes(32).toString('hex');
    const run = await this.sandbox.run({
      files: buildHarnessTask(input.exerciseSlug, input.spec, input.exerciseFiles, input.referenceFigures, input.studentFiles),
      privateDirs: HARNESS_PRIVATE_DIRS,
      argv: ['python3', '-m', 'memgrade_harness', '--task', HARNESS_TASK_DIR],
      stdin: `${key}\n`,
      privileges: 'supervisor',
      // Two CPUs unless the exercise says otherwise: the judge runs the reference solution beside
      // the student's processes (clamped to SANDBOX_MAX_CPUS).
      limits: { cpus: GRADING_CPUS, ...input.spec.limits, outputBytes: HARNESS_OUTPUT_BYTES },
      labels: { 'memgrade.submission': input.submissionId },
      // The result is stored and announced while the engine removes the container.
      removeAfterReturn: true,
      // The judge reads its key before anything else: a warm grading container has it started,
      // imports done, waiting for the key (sandbox/harness/memgrade_harness/supervisor.py).
      startsAhead: true,
    });
    if (run.verdict === 'sandbox_error') throw new InfrastructureError(run.error ?? 'the sandbox failed');

    let document: unknown;
    try {
      document = decodeResultFrame(Buffer.from(run.stdout, 'utf8'), key);
    } catch (error) {
      if (run.verdict === 'timeout' || run.verdict === 'memory_limit' || run.verdict === 'output_limit') return stoppedRun(input, run);
      const why = error instanceof FrameError ? error.message : `unreadable result: ${(error as Error).message}`;
      throw new InfrastructureError(`the harness gave no valid result (${why}; exit ${run.exitCode}): ${run.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    }
    if (!isHarnessResult(document)) throw new InfrastructureError('the harness result is not a memgrade-result/1 document');
    if (document.status === 'plan_error') throw new ExerciseDefectError(`the exercise's plan is invalid: ${document.error ?? 'no detail'}`);
    if (document.status === 'harness_error') throw new InfrastructureError(`the harness failed: ${document.error ?? 'no detail'}`);
    return gradedRun(input, run, document);
  }
}

function gradedRun(input: GradeInput, run: SandboxRunResult, doc: HarnessResult): GradeOutcome {
  const hiddenByName = new Map(input.spec.tests.map((test) => [test.name, test.hidden]));
  return {
    verdict: verdictOf(doc),
    tests: doc.tests.map((test): TestOutcome => ({
      name: test.name,
      score: test.score,
      maxScore: test.max_score,
      passed: test.passed,
      message: test.message ?? '',
      hidden: test.hidden ?? hiddenByName.get(test.name) ?? false,
      detail: test.detail,
      measurements: {
        ...(test.measurements ?? {}),
        ...(test.status ? { status: test.status } : {}),
        ...(test.duration_ms === undefined ? {} : { duration_ms: test.duration_ms }),
        ...(test.evidence ? { evidence: test.evidence } : {}),
      },
    })),
    exitCode: run.exitCode,
    wallMs: run.wallMs,
    peakMemoryBytes: run.peakMemoryBytes,
    stdout: doc.student_output?.stdout ?? '',
    stderr: doc.student_output?.stderr ?? '',
    // Per process, each marked hidden when it ran a hidden test: students see only the others.
    outputSections: doc.student_output?.sections ?? null,
    flags: doc.flags ?? [],
    report: {
      seed: doc.seed,
      studentError: doc.student_error,
      outOfProcess: doc.out_of_process ?? [],
      warnings: doc.warnings ?? [],
      harnessVersion: doc.harness_version,
      pythonVersion: doc.python_version,
      harnessMs: doc.duration_ms,
      ...(doc.timings ? { harnessTimings: doc.timings } : {}),
      studentOutputTruncated: doc.student_output?.truncated ?? false,
    },
  };
}

/** The sandbox stopped the whole run before the harness could report: every test fails, saying why. */
function stoppedRun(input: GradeInput, run: SandboxRunResult): GradeOutcome {
  const message = verdictMessage(run);
  const peakMiB = run.peakMemoryBytes === null ? undefined : Math.round((run.peakMemoryBytes / 2 ** 20) * 10) / 10;
  return {
    verdict: run.verdict,
    tests: input.spec.tests.map((test) => ({
      name: test.name,
      score: 0,
      maxScore: test.points,
      passed: false,
      message,
      hidden: test.hidden,
      measurements: { status: run.verdict, limit_mib: run.limits.memoryMiB, ...(peakMiB === undefined ? {} : { peak_mib: peakMiB }) },
    })),
    exitCode: run.exitCode,
    wallMs: run.wallMs,
    peakMemoryBytes: run.peakMemoryBytes,
    stdout: '',
    stderr: '',
    flags: [],
    report: { stoppedBy: run.verdict },
  };
}

/** The submission's verdict in words (syntax and import errors are not crashes). */
function verdictOf(doc: HarnessResult): GradeOutcome['verdict'] {
  const known = ['ok', 'timeout', 'memory_limit', 'crashed', 'syntax_error', 'import_error'] as const;
  const verdict = (known as readonly string[]).includes(doc.verdict ?? '') ? (doc.verdict as (typeof known)[number]) : undefined;
  if (verdict) return verdict;
  return doc.status === 'student_error' ? 'import_error' : 'ok';
}
