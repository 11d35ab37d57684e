import { SubmissionLatenessView } from '../../deadlines/deadline-views';
// What the submissions routes answer, for the OpenAPI document. The services build these shapes
// (submission-view.ts, submissions.service.ts); these classes only describe them.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EVIDENCE_STATUSES, FLAG_SEVERITIES } from '../../grading/flag-summary';

export class FlagDto {
  @ApiProperty({ example: 'static', description: 'static (found in the source), runtime (seen while it ran), channel, contradiction …' })
  kind!: string;
  @ApiProperty({ enum: FLAG_SEVERITIES })
  severity!: string;
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

export class TestViewDto {
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
  measurements?: Record<string, unknown>;
  @ApiPropertyOptional({
    enum: EVIDENCE_STATUSES,
    nullable: true,
    description: "staff only: the test's evidence did not hold (an out-of-process check contradicted it, it was tampered with, sources disagreed, a blocked tool was used); null when it held",
  })
  evidence?: string | null;
}

export class OutputSectionDto {
  @ApiProperty({ example: 'import', description: 'the test (or "import") the output was printed during' })
  label!: string;
  @ApiProperty()
  hidden!: boolean;
  @ApiProperty()
  stdout!: string;
  @ApiProperty()
  stderr!: string;
}

export class StudentOutputDto {
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

export class SubmissionViewDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ example: 'python-memory/weak-cache' })
  exercise!: string;
  @ApiProperty({ enum: ['queued', 'running', 'graded', 'error'] })
  status!: string;
  @ApiProperty({ description: 'queued or running again (a regrade) while the stored result (verdict, score, tests, output) is shown: it stands until the new run is stored' })
  regrading!: boolean;
  @ApiProperty({ enum: ['ok', 'timeout', 'memory_limit', 'output_limit', 'crashed', 'sandbox_error'], nullable: true })
  verdict!: string | null;
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
  @ApiPropertyOptional({ enum: FLAG_SEVERITIES, nullable: true, description: 'staff only: the highest severity among flags and evidence marks (an evidence mark counts as high); null when none' })
  flagSeverity?: string | null;
  @ApiProperty({ type: SubmissionLatenessView, description: "how it stands against its student's due date (accepted after it: late), and the score that counts after the late policy" })
  lateness!: SubmissionLatenessView;
}

export class SubmissionSummaryDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty()
  exercise!: string;
  @ApiProperty({ format: 'uuid' })
  studentId!: string;
  @ApiProperty()
  status!: string;
  @ApiProperty({ nullable: true, type: String })
  verdict!: string | null;
  @ApiProperty({ nullable: true, type: Number })
  score!: number | null;
  @ApiProperty()
  maxScore!: number;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  @ApiPropertyOptional({ enum: FLAG_SEVERITIES, nullable: true, description: 'only on rows the caller reads as course staff' })
  flagSeverity?: string | null;
}

export class SubmissionPageDto {
  @ApiProperty({ type: [SubmissionSummaryDto] })
  items!: SubmissionSummaryDto[];
  @ApiProperty({ nullable: true, type: String })
  nextCursor!: string | null;
}

export class DiffLineDto {
  @ApiProperty({ enum: [' ', '-', '+'], description: "' ' in both, '-' only in the previous submission, '+' only in this one" })
  op!: string;
  @ApiProperty()
  text!: string;
  @ApiPropertyOptional({ description: 'line number in the previous submission' })
  oldLine?: number;
  @ApiPropertyOptional({ description: 'line number in this submission' })
  newLine?: number;
}

export class DiffHunkDto {
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

export class FileDiffDto {
  @ApiProperty({ example: 'solution.py' })
  file!: string;
  @ApiProperty({ enum: ['added', 'removed', 'changed', 'unchanged'] })
  status!: string;
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

export class SubmissionCodeDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty()
  exercise!: string;
  @ApiProperty({ format: 'uuid' })
  studentId!: string;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: { 'solution.py': 'def f():\n    return 1\n' }, description: 'file name → source, as submitted' })
  files!: Record<string, string>;
  @ApiProperty({ type: SubmissionPreviousDto, nullable: true, description: "the same student's previous submission of the exercise (any version)" })
  previous!: SubmissionPreviousDto | null;
  @ApiProperty({ type: [FileDiffDto], nullable: true, description: 'from the previous submission to this one; null for the first' })
  diff!: FileDiffDto[] | null;
}
