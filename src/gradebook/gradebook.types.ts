import type { FlagSeverity } from '../grading/flag-summary';

export const GRADEBOOK_POLICIES = ['best', 'latest'] as const;
export type GradebookPolicy = (typeof GRADEBOOK_POLICIES)[number];
export const GRADEBOOK_FORMATS = ['json', 'csv'] as const;
export type GradebookFormat = (typeof GRADEBOOK_FORMATS)[number];

export interface GradebookExercise {
  slug: string;
  title: string;
  /** Points of the exercise's current version (what a full score is now). */
  maxScore: number;
  /** Present only when the exercise has a due date (its own or the course default's), without extensions. */
  dueAt?: string;
}

/** The graded submission that counts for one student and exercise. */
export interface GradebookCell {
  /** The score that counts: the submission's score after the late policy (a penalty taken off). */
  score: number;
  /** Points of the version that submission was graded against. */
  maxScore: number;
  submissionId: string;
  submittedAt: string;
  /**
   * Present only when that submission is flagged: the highest severity among its latest run's flags
   * and "evidence disagreed" marks (which count as high). For course staff, like the whole gradebook.
   */
  flagSeverity?: FlagSeverity;
  /** Present (true) only when that submission was accepted after its student's due date; then daysLate, penaltyPercent, rawScore too. */
  late?: true;
  /** Started days after the due date. */
  daysLate?: number;
  /** Percent taken off rawScore (penalty policy; 0 when marked). */
  penaltyPercent?: number;
  /** The graded score before the penalty. */
  rawScore?: number;
}

export interface GradebookRow {
  id: string;
  displayName: string;
  externalId: string | null;
  /** exercise slug → the counting submission, or null when the student has no graded submission. */
  grades: Record<string, GradebookCell | null>;
  /** Sum of the counting scores. */
  total: number;
}

export interface Gradebook {
  course: string;
  policy: GradebookPolicy;
  generatedAt: string;
  exercises: GradebookExercise[];
  /** Sum of the exercises' maxScore. */
  maxTotal: number;
  students: GradebookRow[];
}
