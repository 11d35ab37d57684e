import { admit, countedScore, latenessOf, NO_SETTINGS, pickCounting, resolvePolicy, type DeadlineSettings } from './deadline-policy';

const at = (iso: string) => new Date(iso);
const settings = (over: Partial<DeadlineSettings>): DeadlineSettings => ({ ...NO_SETTINGS, ...over });
const DUE = '2026-12-10T23:59:00Z';

describe('resolvePolicy', () => {
  it('takes each field from the exercise, else from the course default, else the built-in default', () => {
    const course = settings({ dueAt: at(DUE), latePolicy: 'penalty', penaltyPercentPerDay: 10, maxAttempts: 5 });
    const own = settings({ latePolicy: 'marked', maxAttempts: 2 });
    expect(resolvePolicy(course, own, null)).toEqual({
      dueAt: at(DUE),
      baseDueAt: at(DUE),
      latePolicy: 'marked',
      penaltyPercentPerDay: 10,
      penaltyFloorPercent: 0,
      maxAttempts: 2,
      extended: false,
    });
    expect(resolvePolicy(null, null, null)).toMatchObject({ dueAt: null, latePolicy: 'marked', maxAttempts: null });
  });

  it("puts a student's extension on top: their own due date and extra attempts", () => {
    const own = settings({ dueAt: at(DUE), maxAttempts: 3 });
    const later = at('2026-12-15T12:00:00Z');
    expect(resolvePolicy(null, own, { dueAt: later, extraAttempts: 2 })).toMatchObject({ dueAt: later, baseDueAt: at(DUE), maxAttempts: 5, extended: true });
    // Extra attempts without a limit mean nothing; a due date without one is still an extension.
    expect(resolvePolicy(null, settings({ dueAt: at(DUE) }), { dueAt: null, extraAttempts: 2 })).toMatchObject({ dueAt: at(DUE), maxAttempts: null, extended: true });
    // An extension moves a due date; it gives none to an exercise without one.
    expect(resolvePolicy(null, null, { dueAt: later, extraAttempts: 0 })).toMatchObject({ dueAt: null, baseDueAt: null });
  });
});

describe('latenessOf', () => {
  const penalty = resolvePolicy(null, settings({ dueAt: at(DUE), latePolicy: 'penalty', penaltyPercentPerDay: 20, penaltyFloorPercent: 30 }), null);

  it('is on time up to and at the due instant, whatever time zone the instant was written in', () => {
    expect(latenessOf(penalty, at(DUE))).toEqual({ late: false, daysLate: 0, penaltyPercent: 0, counts: true });
    expect(latenessOf(penalty, at('2026-12-11T00:59:00+01:00'))).toMatchObject({ late: false });
    expect(latenessOf(penalty, at('2026-12-10T18:00:00-05:00'))).toMatchObject({ late: false, daysLate: 0 });
  });

  it('counts started days from the effective due date and takes the percentage per day, down to the floor', () => {
    expect(latenessOf(penalty, at('2026-12-10T23:59:00.001Z'))).toEqual({ late: true, daysLate: 1, penaltyPercent: 20, counts: true });
    expect(latenessOf(penalty, at('2026-12-11T23:59:00Z'))).toMatchObject({ daysLate: 1, penaltyPercent: 20 });
    expect(latenessOf(penalty, at('2026-12-12T00:00:00Z'))).toMatchObject({ daysLate: 2, penaltyPercent: 40 });
    // 5 days × 20 % = 100 %, but the floor keeps 30 % of the score: at most 70 % off.
    expect(latenessOf(penalty, at('2026-12-15T10:00:00Z'))).toMatchObject({ daysLate: 5, penaltyPercent: 70 });
    const extended = resolvePolicy(null, settings({ dueAt: at(DUE), latePolicy: 'penalty', penaltyPercentPerDay: 20 }), { dueAt: at('2026-12-14T00:00:00Z'), extraAttempts: 0 });
    expect(latenessOf(extended, at('2026-12-13T00:00:00Z'))).toMatchObject({ late: false });
    expect(latenessOf(extended, at('2026-12-14T06:00:00Z'))).toMatchObject({ daysLate: 1, penaltyPercent: 20 });
  });

  it('marks without a penalty under marked, and lets late work under closed count for nothing', () => {
    const marked = resolvePolicy(null, settings({ dueAt: at(DUE), latePolicy: 'marked', penaltyPercentPerDay: 50 }), null);
    expect(latenessOf(marked, at('2026-12-12T00:00:00Z'))).toEqual({ late: true, daysLate: 2, penaltyPercent: 0, counts: true });
    const closed = resolvePolicy(null, settings({ dueAt: at(DUE), latePolicy: 'closed' }), null);
    const late = latenessOf(closed, at('2026-12-12T00:00:00Z'));
    expect(late).toMatchObject({ late: true, counts: false });
    expect(countedScore(3, late)).toBe(0);
  });

  it('never makes anything late without a due date', () => {
    expect(latenessOf(resolvePolicy(null, null, null), at('2099-01-01T00:00:00Z'))).toMatchObject({ late: false });
  });
});

describe('countedScore', () => {
  it('applies the percentage taken off to the raw score', () => {
    expect(countedScore(4, { late: true, daysLate: 2, penaltyPercent: 25, counts: true })).toBe(3);
    expect(countedScore(1, { late: true, daysLate: 3, penaltyPercent: 30, counts: true })).toBe(0.7);
    expect(countedScore(2.5, { late: false, daysLate: 0, penaltyPercent: 0, counts: true })).toBe(2.5);
  });
});

describe('admit', () => {
  const now = at('2026-12-11T08:00:00Z');

  it('refuses a closed exercise after its due date, naming the date', () => {
    const closed = resolvePolicy(null, settings({ dueAt: at(DUE), latePolicy: 'closed' }), null);
    expect(admit(closed, now, 0)).toEqual({
      accepted: false,
      reason: 'closed',
      field: 'exercise',
      message: 'the due date 2026-12-10T23:59:00.000Z has passed and this exercise accepts no late submissions',
    });
    expect(admit(closed, at(DUE), 0)).toEqual({ accepted: true });
    const extended = resolvePolicy(null, settings({ dueAt: at(DUE), latePolicy: 'closed' }), { dueAt: at('2026-12-12T00:00:00Z'), extraAttempts: 0 });
    expect(admit(extended, now, 0)).toEqual({ accepted: true });
  });

  it('accepts late work under penalty and marked', () => {
    for (const latePolicy of ['penalty', 'marked'] as const) {
      expect(admit(resolvePolicy(null, settings({ dueAt: at(DUE), latePolicy }), null), now, 0)).toEqual({ accepted: true });
    }
  });

  it('refuses beyond the attempt limit, extra attempts included', () => {
    const limited = resolvePolicy(null, settings({ maxAttempts: 2 }), null);
    expect(admit(limited, now, 1)).toEqual({ accepted: true });
    expect(admit(limited, now, 2)).toMatchObject({ accepted: false, reason: 'attempts', message: expect.stringContaining('attempt limit of 2 submissions') });
    expect(admit(resolvePolicy(null, settings({ maxAttempts: 2 }), { dueAt: null, extraAttempts: 1 }), now, 2)).toEqual({ accepted: true });
    expect(admit(resolvePolicy(null, null, null), now, 10_000)).toEqual({ accepted: true });
  });
});

describe('pickCounting', () => {
  const policy = resolvePolicy(null, settings({ dueAt: at(DUE), latePolicy: 'penalty', penaltyPercentPerDay: 50 }), null);
  const onTime = { id: 'a', score: 0.6, createdAt: at('2026-12-10T10:00:00Z') };
  const lateFull = { id: 'b', score: 1, createdAt: at('2026-12-11T10:00:00Z') };

  it('best compares scores after the penalty: an on-time 0.6 beats a late 1 at 50 % off', () => {
    expect(pickCounting([lateFull, onTime], 'best', policy)).toMatchObject({ attempt: { id: 'a' }, score: 0.6 });
  });

  it('latest takes the newest, with its penalty', () => {
    expect(pickCounting([onTime, lateFull], 'latest', policy)).toMatchObject({ attempt: { id: 'b' }, score: 0.5, lateness: { late: true, daysLate: 1 } });
  });

  it('takes the earliest on a tie, skips late work under closed, and is null with nothing graded', () => {
    const twin = { id: 'c', score: 0.6, createdAt: at('2026-12-10T11:00:00Z') };
    expect(pickCounting([twin, onTime], 'best', policy)?.attempt.id).toBe('a');
    const closed = resolvePolicy(null, settings({ dueAt: at(DUE), latePolicy: 'closed' }), null);
    expect(pickCounting([lateFull], 'best', closed)).toBeNull();
    expect(pickCounting([onTime, lateFull], 'latest', closed)?.attempt.id).toBe('a');
    expect(pickCounting([], 'best', policy)).toBeNull();
  });
});
