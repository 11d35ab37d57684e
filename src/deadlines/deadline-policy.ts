/**
 * The deadline rules, as pure functions over UTC instants (Date). No clock and no database here:
 * callers pass the time a submission was accepted by the API (its createdAt), never when it was graded.
 */

export const LATE_POLICIES = ['closed', 'penalty', 'marked'] as const;
export type LatePolicy = (typeof LATE_POLICIES)[number];

/** When a due date is set and no late policy is, late work is accepted and marked (nothing is lost). */
export const DEFAULT_LATE_POLICY: LatePolicy = 'marked';

const DAY_MS = 24 * 60 * 60 * 1000;

/** One level of settings (a course default or an exercise's own); null = not set here. */
export interface DeadlineSettings {
  dueAt: Date | null;
  latePolicy: LatePolicy | null;
  penaltyPercentPerDay: number | null;
  penaltyFloorPercent: number | null;
  maxAttempts: number | null;
}

export interface StudentExtension {
  /** Replaces the due date for this student when set (and the exercise has one). */
  dueAt: Date | null;
  extraAttempts: number;
}

/** What applies to one student on one exercise. */
export interface EffectivePolicy {
  /** The due date that applies to this student (their extension's, else the exercise's, else the course's). */
  dueAt: Date | null;
  /** The due date without the student's extension. */
  baseDueAt: Date | null;
  latePolicy: LatePolicy;
  penaltyPercentPerDay: number;
  penaltyFloorPercent: number;
  /** The attempt limit with the student's extra attempts; null = no limit. */
  maxAttempts: number | null;
  extended: boolean;
}

export const NO_SETTINGS: DeadlineSettings = { dueAt: null, latePolicy: null, penaltyPercentPerDay: null, penaltyFloorPercent: null, maxAttempts: null };

/** Field by field: the exercise's own setting, else the course's default; then the student's extension on top. */
export function resolvePolicy(courseDefault: DeadlineSettings | null, own: DeadlineSettings | null, extension: StudentExtension | null): EffectivePolicy {
  const pick = <K extends keyof DeadlineSettings>(key: K): DeadlineSettings[K] => own?.[key] ?? courseDefault?.[key] ?? null;
  const baseDueAt = pick('dueAt');
  const maxAttempts = pick('maxAttempts');
  return {
    // An extension moves a due date; it does not give one to an exercise that has none.
    dueAt: baseDueAt && (extension?.dueAt ?? baseDueAt),
    baseDueAt,
    latePolicy: pick('latePolicy') ?? DEFAULT_LATE_POLICY,
    penaltyPercentPerDay: pick('penaltyPercentPerDay') ?? 0,
    penaltyFloorPercent: pick('penaltyFloorPercent') ?? 0,
    maxAttempts: maxAttempts === null ? null : maxAttempts + (extension?.extraAttempts ?? 0),
    extended: extension !== null && (extension.dueAt !== null || extension.extraAttempts > 0),
  };
}

export interface Lateness {
  late: boolean;
  /** Started days after the due date (1 for one millisecond late); 0 when on time. */
  daysLate: number;
  /** Percent of the score taken off (penalty policy only); 0 otherwise. */
  penaltyPercent: number;
  /** False for late work under the closed policy (accepted before the policy or due date changed): it earns nothing. */
  counts: boolean;
}

/** How late a submission accepted at `submittedAt` is, and what that costs. Exactly at the due date is on time. */
export function latenessOf(policy: EffectivePolicy, submittedAt: Date): Lateness {
  if (!policy.dueAt || submittedAt.getTime() <= policy.dueAt.getTime()) return { late: false, daysLate: 0, penaltyPercent: 0, counts: true };
  const daysLate = Math.ceil((submittedAt.getTime() - policy.dueAt.getTime()) / DAY_MS);
  if (policy.latePolicy === 'closed') return { late: true, daysLate, penaltyPercent: 0, counts: false };
  if (policy.latePolicy === 'marked') return { late: true, daysLate, penaltyPercent: 0, counts: true };
  const cap = Math.max(0, 100 - policy.penaltyFloorPercent);
  return { late: true, daysLate, penaltyPercent: round(Math.min(cap, daysLate * policy.penaltyPercentPerDay)), counts: true };
}

/** The score that counts (gradebook, LMS) for a raw score and its lateness. */
export function countedScore(score: number, lateness: Lateness): number {
  if (!lateness.counts) return 0;
  return round(score * (1 - lateness.penaltyPercent / 100));
}

export type Admission = { accepted: true } | { accepted: false; reason: 'closed' | 'attempts'; message: string; field: string };

/**
 * Whether a new submission at `now` is accepted. `attemptsUsed` counts the student's earlier
 * submissions of the exercise that did not end in error (sandbox or infrastructure errors, lost or
 * replaced-before-grading submissions give the attempt back).
 */
export function admit(policy: EffectivePolicy, now: Date, attemptsUsed: number): Admission {
  if (policy.latePolicy === 'closed' && policy.dueAt && now.getTime() > policy.dueAt.getTime()) {
    return {
      accepted: false,
      reason: 'closed',
      field: 'exercise',
      message: `the due date ${policy.dueAt.toISOString()} has passed and this exercise accepts no late submissions`,
    };
  }
  if (policy.maxAttempts !== null && attemptsUsed >= policy.maxAttempts) {
    return {
      accepted: false,
      reason: 'attempts',
      field: 'exercise',
      message: `the attempt limit of ${policy.maxAttempts} submission${policy.maxAttempts === 1 ? '' : 's'} for this exercise is used up (submissions that ended in error do not count)`,
    };
  }
  return { accepted: true };
}

export type CountingRule = 'best' | 'latest';

export interface GradedAttempt {
  id: string;
  score: number;
  createdAt: Date;
}

export interface CountingPick<T extends GradedAttempt> {
  attempt: T;
  lateness: Lateness;
  score: number;
}

/**
 * The graded submission that counts: best = the highest score after the late policy (the earliest
 * on a tie), latest = the most recently accepted one, whatever its score. Late work under the closed
 * policy never counts. Null when nothing counts.
 */
export function pickCounting<T extends GradedAttempt>(attempts: readonly T[], rule: CountingRule, policy: EffectivePolicy): CountingPick<T> | null {
  let chosen: CountingPick<T> | null = null;
  for (const attempt of attempts) {
    const lateness = latenessOf(policy, attempt.createdAt);
    if (!lateness.counts) continue;
    const candidate = { attempt, lateness, score: countedScore(attempt.score, lateness) };
    if (!chosen || better(candidate, chosen, rule)) chosen = candidate;
  }
  return chosen;
}

function better<T extends GradedAttempt>(a: CountingPick<T>, b: CountingPick<T>, rule: CountingRule): boolean {
  const order = compareTime(a.attempt, b.attempt);
  if (rule === 'latest') return order > 0;
  return a.score > b.score || (a.score === b.score && order < 0);
}

const compareTime = (a: GradedAttempt, b: GradedAttempt) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

const round = (value: number) => Math.round(value * 1e6) / 1e6;
