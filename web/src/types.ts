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

export interface Course {
  id: string;
  slug: string;
  title: string;
  gradebookPolicy?: string;
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

export interface TestView {
  name: string;
  passed: boolean;
  hidden: boolean;
  score?: number;
  maxScore?: number;
  message?: string;
  detail?: string | null;
  measurements?: unknown;
}

export interface SubmissionView {
  id: string;
  exercise: string;
  status: SubmissionStatus;
  verdict: Verdict | null;
  score: number | null;
  maxScore: number;
  tests: TestView[];
  durationMs: number | null;
  errorReason: string | null;
  createdAt: string;
  finishedAt: string | null;
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
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Enrolment {
  userId: string;
  displayName: string;
  externalId: string | null;
  role: 'student' | 'instructor';
}

export interface GradebookCell {
  score: number;
  maxScore: number;
  submissionId: string;
  submittedAt: string;
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
