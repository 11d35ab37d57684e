// What the API returns (the parts the pages read). Measurements are free-form: see measurements.ts.

export type Role = 'admin' | 'instructor' | 'student' | 'lms';
export type SubmissionStatus = 'queued' | 'running' | 'graded' | 'error';
export type Verdict = 'ok' | 'timeout' | 'memory_limit' | 'output_limit' | 'crashed' | 'sandbox_error' | 'syntax_error' | 'import_error';

export interface Me {
  id: string;
  role: Role;
  displayName: string;
  email?: string | null;
  externalId?: string | null;
}

/** Who someone is in a course: their roster role, or admin / lms. */
export type CourseRole = 'instructor' | 'ta' | 'student';

export interface Course {
  id: string;
  slug: string;
  title: string;
  gradebookPolicy?: string;
  /** The caller's role in the course (admin, lms, instructor, ta, student). */
  yourRole?: CourseRole | 'admin' | 'lms' | null;
}

export interface Limits {
  memoryMiB: number;
  timeSeconds: number;
}

export interface ExerciseSummary {
  slug: string;
  title: string;
  maxScore: number;
  studentFiles: string[];
  limits: Limits;
}

export interface ExerciseDetail extends ExerciseSummary {
  statement: string;
  starter: Record<string, string>;
  tests: { name: string; points: number; hidden: boolean }[];
  version: { number: number; contentHash: string };
}

export interface ExerciseVersion {
  number: number;
  contentHash: string;
  status: string;
  current: boolean;
  maxScore: number;
  validation: unknown;
  referencePeaks: unknown;
  createdAt: string;
}

export type FlagSeverity = 'high' | 'medium' | 'low';
export type EvidenceStatus = 'contradicted' | 'tampered' | 'disagreed' | 'blocked';

/** Something the harness flagged for the instructor (staff only). */
export interface Flag {
  kind: string;
  severity: FlagSeverity;
  code: string;
  message: string;
  file?: string;
  line?: number;
  text?: string;
  where?: string;
}

export interface TestView {
  name: string;
  passed: boolean;
  hidden: boolean;
  score?: number;
  maxScore?: number;
  message?: string;
  detail?: string | null;
  measurements?: unknown;
  /** Staff only. */
  evidence?: EvidenceStatus | null;
}

export interface OutputSection {
  label: string;
  hidden: boolean;
  stdout: string;
  stderr: string;
}

export interface StudentOutput {
  stdout: string;
  stderr: string;
  truncated: boolean;
  sections: OutputSection[] | null;
  withheld: boolean;
}

export interface DiffLine {
  op: ' ' | '-' | '+';
  text: string;
  oldLine?: number;
  newLine?: number;
}

export interface FileDiff {
  file: string;
  status: 'added' | 'removed' | 'changed' | 'unchanged';
  added: number;
  removed: number;
  hunks: { oldStart: number; oldLines: number; newStart: number; newLines: number; lines: DiffLine[] }[];
}

export interface SubmissionCode {
  id: string;
  exercise: string;
  studentId: string;
  createdAt: string;
  files: Record<string, string>;
  previous: { id: string; createdAt: string } | null;
  diff: FileDiff[] | null;
}

export interface SubmissionView {
  id: string;
  exercise: string;
  status: SubmissionStatus;
  /** Queued or running again while its stored result (verdict, score, tests, output) is shown. */
  regrading?: boolean;
  verdict: Verdict | null;
  score: number | null;
  maxScore: number;
  tests: TestView[];
  durationMs: number | null;
  errorReason: string | null;
  createdAt: string;
  finishedAt: string | null;
  output?: StudentOutput | null;
  /** Staff only. */
  flags?: Flag[];
  flagSeverity?: FlagSeverity | null;
  /** How it stands against its student's due date (GET /submissions/{id}). */
  lateness?: SubmissionLateness;
  /** While queued: where it stands (GET only; the status stream leaves it out). */
  queue?: QueuePlace;
}

export interface QueuePlace {
  state: 'waiting' | 'retrying' | 'unknown';
  position: number | null;
  ahead: number | null;
  estimatedWaitSeconds: number | null;
  workers?: number;
  slots?: number;
  recentGradingSeconds?: number | null;
}

export type LatePolicy = 'closed' | 'penalty' | 'marked';

export interface SubmissionLateness {
  dueAt: string | null;
  latePolicy: LatePolicy;
  late: boolean;
  daysLate: number;
  penaltyPercent: number;
  countedScore: number | null;
}

/** One level of deadline settings (course default or an exercise's own); null = not set there. */
export interface DeadlineSettings {
  dueAt: string | null;
  latePolicy: LatePolicy | null;
  penaltyPercentPerDay: number | null;
  penaltyFloorPercent: number | null;
  maxAttempts: number | null;
}

export interface EffectiveDeadline {
  dueAt: string | null;
  baseDueAt: string | null;
  latePolicy: LatePolicy;
  penaltyPercentPerDay: number;
  penaltyFloorPercent: number;
  maxAttempts: number | null;
  extended: boolean;
}

export interface CourseDeadlines {
  course: string;
  default: DeadlineSettings;
  exercises: { exercise: string; own: DeadlineSettings; effective: EffectiveDeadline }[];
}

export interface DeadlineExtension {
  exercise: string;
  studentId: string;
  displayName: string;
  externalId: string | null;
  dueAt: string | null;
  extraAttempts: number;
  updatedAt: string;
}

export interface DeadlineStatus extends EffectiveDeadline {
  exercise: string;
  studentId: string;
  attemptsUsed: number;
  attemptsLeft: number | null;
  open: boolean;
  closedReason: string | null;
  lateNow: boolean;
  daysLateNow: number;
  penaltyPercentNow: number;
  now: string;
}

export interface SubmissionSummary {
  id: string;
  exercise: string;
  studentId: string;
  status: SubmissionStatus;
  verdict: Verdict | null;
  score: number | null;
  maxScore: number;
  createdAt: string;
  /** Only on rows the caller reads as staff. */
  flagSeverity?: FlagSeverity | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Enrolment {
  userId: string;
  displayName: string;
  externalId: string | null;
  role: CourseRole;
}

/** GET /courses/:c/members */
export interface Member extends Enrolment {
  email: string | null;
  enrolledAt: string;
}

export type MemberOutcome = 'created' | 'enrolled' | 'role_changed' | 'unchanged';

/** POST /courses/:c/members */
export interface AddedMember {
  outcome: MemberOutcome;
  member: Member;
  key?: { id: string; secret: string; courseId: string | null };
}

/** POST /courses/:c/members/import */
export interface RosterImportReport {
  course: string;
  mode: 'per-row';
  counts: Record<MemberOutcome | 'error', number>;
  rows: { row: number; outcome: MemberOutcome | 'error'; email: string | null; externalId: string | null; name: string | null; role: string | null; field?: string; reason?: string }[];
}

export interface GradebookCell {
  score: number;
  maxScore: number;
  submissionId: string;
  submittedAt: string;
  /** Present only when the counting submission is flagged. */
  flagSeverity?: FlagSeverity;
  /** Present only when it was accepted after its student's due date (score is after the penalty). */
  late?: true;
  daysLate?: number;
  penaltyPercent?: number;
  rawScore?: number;
}

export interface Gradebook {
  course: string;
  policy: string;
  generatedAt: string;
  exercises: { slug: string; title: string; maxScore: number }[];
  maxTotal: number;
  students: { id: string; displayName: string; externalId: string | null; grades: Record<string, GradebookCell | null>; total: number }[];
}

export const FINAL_STATUSES: ReadonlySet<SubmissionStatus> = new Set(['graded', 'error']);

/** A version regrade and how far it got (GET …/versions/{n}/regrades/{id}). */
export interface Regrade {
  id: string;
  exercise: string;
  version: number;
  createdAt: string;
  total: number;
  regraded: number;
  failed: number;
  pending: number;
  done: boolean;
  finishedAt: string | null;
}
