// What the submissions routes answer, for the OpenAPI document. The services build these shapes
// (submission-view.ts, submissions.service.ts); each class implements the service's type and the
// controller returns it, so the compiler catches a field that is added, removed or retyped on one side only.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { QueuePlace } from '../../backpressure/queue-estimate';
import { SubmissionLatenessView } from '../../deadlines/dto/deadline-views.dto';
import type { SubmissionStatus, Verdict } from '../../generated/prisma/enums';
import type { OutputSection } from '../../results/grade-outcome';
import { EVIDENCE_STATUSES, FLAG_SEVERITIES, type EvidenceStatus, type Flag, type FlagSeverity } from '../../results/flag-summary';
import type { DiffHunk, DiffLine, FileDiff } from '../line-diff';
import type { StudentOutputView, TestView } from '../submission-view';
import type { CreatedSubmission, SubmissionCodeView, SubmissionDetail, SubmissionSummary } from '../submissions.service';
import { sameKeys } from '../../common/http/dto/same-keys';

export const SUBMISSION_STATUSES = ['queued', 'running', 'graded', 'error'] as const satisfies readonly SubmissionStatus[];
export const VERDICTS = ['ok', 'timeout', 'memory_limit', 'output_limit', 'crashed', 'sandbox_error', 'syntax_error', 'import_error'] as const satisfies readonly Verdict[];

export class FlagDto implements Flag {
  @ApiProperty({ example: 'static', description: 'static (found in the source), runtime (seen while it ran), channel, contradiction …' })
  kind!: string;
  @ApiProperty({ enum: FLAG_SEVERITIES })
  severity!: FlagSeverity;
  @ApiProperty({ example: 'frame-access' })
  code!: string;
  @ApiProperty({ example: 'sys._getframe reaches the harness from inside its own process' })
  message!: string;
  @ApiPropertyOptional({ example: 'solution.py', description: 'static flags: the student file' })
  file?: string;
  @ApiPropertyOptional({ example: 12, description: 'static flags: the line (1-based)' })
  line?: number;
  @ApiPropertyOptional({ example: 'frame = sys._getframe(1)', description: 'static flags: the source line, as text' })
  text?: string;
  @ApiPropertyOptional({ example: 'test "lookup keeps no reference"', description: 'runtime flags: where it fired' })
  where?: string;
}

export class TestViewDto implements TestView {
  @ApiProperty({ description: 'for students a hidden test is "Hidden test N" (N counts the hidden tests in run order)' })
  name!: string;
  @ApiProperty()
  passed!: boolean;
  @ApiProperty()
  hidden!: boolean;
  @ApiPropertyOptional()
  score?: number;
  @ApiPropertyOptional()
  maxScore?: number;
  @ApiPropertyOptional({ description: 'feedback for the student; absent for hidden tests seen by students' })
  message?: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'staff only: instructor-only detail' })
  detail?: string | null;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'what the test measured; absent for hidden tests seen by students' })
  measurements?: unknown;
  @ApiPropertyOptional({
    enum: EVIDENCE_STATUSES,
    nullable: true,
    description:
      "staff only: the test's evidence did not hold (an out-of-process check contradicted it, it was tampered with, sources disagreed, a blocked tool was used); null when it held",
  })
  evidence?: EvidenceStatus | null;
}

export class OutputSectionDto implements OutputSection {
  @ApiProperty({ example: 'import', description: 'the test (or "import") the output was printed during' })
  label!: string;
  @ApiProperty()
  hidden!: boolean;
  @ApiProperty()
  stdout!: string;
  @ApiProperty()
  stderr!: string;
}

export class StudentOutputDto implements StudentOutputView {
  @ApiProperty({ description: "the student's stdout the caller may see (students: only the sections of visible tests)" })
  stdout!: string;
  @ApiProperty()
  stderr!: string;
  @ApiProperty({ description: 'the harness cut the output at its cap' })
  truncated!: boolean;
  @ApiProperty({ type: [OutputSectionDto], nullable: true, description: 'per test, when the harness split the output; students get only the visible ones' })
  sections!: OutputSectionDto[] | null;
  @ApiProperty({ description: 'output exists that the caller may not see (printed during hidden tests, or not split per test in a run with hidden tests)' })
  withheld!: boolean;
}

export class QueuePlaceDto implements QueuePlace {
  @ApiProperty({
    enum: ['waiting', 'retrying', 'unknown'],
    description: 'waiting: ready to run, in line; retrying: an infrastructure failure, waiting out its backoff; unknown: Redis could not tell',
  })
  state!: QueuePlace['state'];
  @ApiProperty({ type: Number, nullable: true, description: '1 = the next job a free worker takes; null unless waiting' })
  position!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'jobs that run before it' })
  ahead!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'seconds until a worker is expected to start grading it; null when no worker is running or the place is unknown' })
  estimatedWaitSeconds!: number | null;
  @ApiProperty({ description: 'workers alive' })
  workers!: number;
  @ApiProperty({ description: 'submissions the workers grade at once, in all' })
  slots!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'mean grading time of recently graded submissions (seconds), the basis of the estimate' })
  recentGradingSeconds!: number | null;
}

export class SubmissionViewDto implements SubmissionDetail {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ example: 'python-memory/weak-cache' })
  exercise!: string;
  @ApiProperty({ enum: SUBMISSION_STATUSES })
  status!: SubmissionStatus;
  @ApiProperty({ description: 'queued or running again (a regrade) while the stored result (verdict, score, tests, output) is shown: it stands until the new run is stored' })
  regrading!: boolean;
  @ApiProperty({ enum: VERDICTS, nullable: true })
  verdict!: Verdict | null;
  @ApiProperty({ nullable: true, type: Number })
  score!: number | null;
  @ApiProperty()
  maxScore!: number;
  @ApiProperty({ type: [TestViewDto] })
  tests!: TestViewDto[];
  @ApiProperty({ nullable: true, type: Number })
  durationMs!: number | null;
  @ApiProperty({ nullable: true, type: String })
  errorReason!: string | null;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  finishedAt!: string | null;
  @ApiPropertyOptional({ type: StudentOutputDto, nullable: true, description: "the student's output during the latest run; null before one" })
  output?: StudentOutputDto | null;
  @ApiPropertyOptional({ type: [FlagDto], description: 'staff only (admin, instructors, lms; never students): what the harness flagged, most severe first' })
  flags?: FlagDto[];
  @ApiPropertyOptional({
    enum: FLAG_SEVERITIES,
    nullable: true,
    description: 'staff only: the highest severity among flags and evidence marks (an evidence mark counts as high); null when none',
  })
  flagSeverity?: FlagSeverity | null;
  @ApiProperty({
    type: SubmissionLatenessView,
    description: "how it stands against its student's due date (accepted after it: late), and the score that counts after the late policy",
  })
  lateness!: SubmissionLatenessView;
  @ApiPropertyOptional({ type: QueuePlaceDto, description: 'GET only, while queued: where it stands in the queue (the status stream leaves it out)' })
  queue?: QueuePlaceDto;
}

export class CreatedSubmissionDto implements Omit<CreatedSubmission, 'replayed'> {
  @ApiProperty({ format: 'uuid', description: 'poll GET /api/v1/submissions/{id} or follow …/events' })
  id!: string;
  @ApiProperty({ enum: SUBMISSION_STATUSES, description: 'queued; a replay (the same Idempotency-Key) answers the status of the submission it created' })
  status!: string;
  @ApiPropertyOptional({ type: [String], description: 'ids of your older queued submissions of the exercise that this one replaced (SUBMISSION_MAX_QUEUED_PER_EXERCISE)' })
  replaced?: string[];
}

export class RegradeQueuedDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ enum: ['queued'] })
  status!: 'queued';
}

export class SubmissionSummaryDto implements SubmissionSummary {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty()
  exercise!: string;
  @ApiProperty({ format: 'uuid' })
  studentId!: string;
  @ApiProperty({ enum: SUBMISSION_STATUSES })
  status!: SubmissionStatus;
  @ApiProperty({ enum: VERDICTS, nullable: true })
  verdict!: Verdict | null;
  @ApiProperty({ nullable: true, type: Number })
  score!: number | null;
  @ApiProperty()
  maxScore!: number;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  @ApiPropertyOptional({ enum: FLAG_SEVERITIES, nullable: true, description: 'only on rows the caller reads as course staff' })
  flagSeverity?: FlagSeverity | null;
}

export class SubmissionPageDto {
  @ApiProperty({ type: [SubmissionSummaryDto] })
  items!: SubmissionSummaryDto[];
  @ApiProperty({ nullable: true, type: String })
  nextCursor!: string | null;
}

export class DiffLineDto implements DiffLine {
  @ApiProperty({ enum: [' ', '-', '+'], description: "' ' in both, '-' only in the previous submission, '+' only in this one" })
  op!: DiffLine['op'];
  @ApiProperty()
  text!: string;
  @ApiPropertyOptional({ description: 'line number in the previous submission' })
  oldLine?: number;
  @ApiPropertyOptional({ description: 'line number in this submission' })
  newLine?: number;
}

export class DiffHunkDto implements DiffHunk {
  @ApiProperty()
  oldStart!: number;
  @ApiProperty()
  oldLines!: number;
  @ApiProperty()
  newStart!: number;
  @ApiProperty()
  newLines!: number;
  @ApiProperty({ type: [DiffLineDto] })
  lines!: DiffLineDto[];
}

export class FileDiffDto implements FileDiff {
  @ApiProperty({ example: 'solution.py' })
  file!: string;
  @ApiProperty({ enum: ['added', 'removed', 'changed', 'unchanged'] })
  status!: FileDiff['status'];
  @ApiProperty()
  added!: number;
  @ApiProperty()
  removed!: number;
  @ApiProperty({ type: [DiffHunkDto], description: 'changed lines with 3 lines of context' })
  hunks!: DiffHunkDto[];
}

export class SubmissionPreviousDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export class SubmissionCodeDto implements SubmissionCodeView {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty()
  exercise!: string;
  @ApiProperty({ format: 'uuid' })
  studentId!: string;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { 'solution.py': 'def f():\n    return 1\n' },
    description: 'file name → source, as submitted',
  })
  files!: Record<string, string>;
  @ApiProperty({ type: SubmissionPreviousDto, nullable: true, description: "the same student's previous submission of the exercise (any version)" })
  previous!: SubmissionPreviousDto | null;
  @ApiProperty({ type: [FileDiffDto], nullable: true, description: 'from the previous submission to this one; null for the first' })
  diff!: FileDiffDto[] | null;
}

// Optional fields too: see same-keys.ts.
sameKeys<FlagDto, Flag>(true);
sameKeys<TestViewDto, TestView>(true);
sameKeys<OutputSectionDto, OutputSection>(true);
sameKeys<StudentOutputDto, StudentOutputView>(true);
sameKeys<QueuePlaceDto, QueuePlace>(true);
sameKeys<SubmissionViewDto, SubmissionDetail>(true);
sameKeys<CreatedSubmissionDto, Omit<CreatedSubmission, 'replayed'>>(true);
sameKeys<SubmissionSummaryDto, SubmissionSummary>(true);
sameKeys<DiffLineDto, DiffLine>(true);
sameKeys<DiffHunkDto, DiffHunk>(true);
sameKeys<FileDiffDto, FileDiff>(true);
sameKeys<SubmissionCodeDto, SubmissionCodeView>(true);
