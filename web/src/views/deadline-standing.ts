// What a student reads about deadlines: the due date, attempts used and left, whether submitting now
// is late (and what it costs) or refused; and on a submission, whether it was on time.
import { get } from '../api';
import { h, replace, type Child } from '../dom';
import { num, time } from '../format';
import { enc } from '../router';
import type { DeadlineStatus, LatePolicy, SubmissionLateness } from '../types';

const days = (n: number) => `${n} day${n === 1 ? '' : 's'}`;

export function latePolicyText(policy: LatePolicy, perDay: number, floor: number): string {
  if (policy === 'closed') return 'no submissions after the due date';
  if (policy === 'marked') return 'late submissions are accepted and marked late';
  return `late submissions lose ${num(perDay)} % per started day${floor > 0 ? `, keeping at least ${num(floor)} %` : ''}`;
}

function standing(status: DeadlineStatus, staff: boolean): Child[] {
  const facts: Child[] = [];
  if (status.dueAt) {
    facts.push(h('li', null, 'due ', h('strong', null, time(status.dueAt)), status.extended && status.dueAt !== status.baseDueAt ? ' (your extension)' : null));
    facts.push(h('li', null, latePolicyText(status.latePolicy, status.penaltyPercentPerDay, status.penaltyFloorPercent)));
  } else {
    facts.push(h('li', null, 'no due date'));
  }
  if (status.maxAttempts === null) facts.push(h('li', null, 'no attempt limit'));
  else if (staff) facts.push(h('li', null, `students may submit ${status.maxAttempts} time${status.maxAttempts === 1 ? '' : 's'}`));
  else facts.push(h('li', null, 'attempts: ', h('strong', null, `${status.attemptsUsed} of ${status.maxAttempts} used`), `, ${status.attemptsLeft} left`));

  let line: Child = null;
  if (staff) line = h('p', { class: 'muted small' }, 'Course staff are not held to the due date or the attempt limit.');
  else if (!status.open) line = h('p', { class: 'error-box', role: 'alert' }, `You cannot submit: ${status.closedReason ?? 'this exercise is closed'}.`);
  else if (status.lateNow)
    line = h(
      'p',
      { class: 'notice late-now' },
      `The due date has passed: a submission now is late by ${days(status.daysLateNow)}`,
      status.penaltyPercentNow > 0 ? ` and loses ${num(status.penaltyPercentNow)} % of its score.` : '.',
    );
  return [h('ul', { class: 'facts deadline-facts', 'aria-label': 'Due date and attempts' }, facts), line];
}

/** The exercise page's deadline box; `reload` after a submission so the attempts count moves. */
export function deadlineStanding(course: string, exercise: string, staff: boolean, signal: AbortSignal): { element: HTMLElement; reload: () => Promise<void> } {
  const element = h('section', { class: 'deadline-standing', 'aria-label': 'Deadline' });
  const reload = async () => {
    try {
      const status = await get<DeadlineStatus>(`/courses/${enc(course)}/exercises/${enc(exercise)}/deadline-status`, { signal });
      replace(element, ...standing(status, staff));
    } catch {
      // Deadlines are a help beside the exercise: without them the page still works.
      replace(element);
    }
  };
  void reload();
  return { element, reload };
}

/** "On time" / "Late by 2 days: 20 % off, 0.8 counts" for a submission's summary, or nothing without a due date. */
export function latenessFacts(lateness: SubmissionLateness | undefined): Child {
  if (!lateness?.dueAt) return null;
  let text: string;
  if (!lateness.late) text = 'on time';
  else if (lateness.latePolicy === 'closed') text = `late by ${days(lateness.daysLate)}: it does not count (the exercise closed at its due date)`;
  else if (lateness.penaltyPercent > 0)
    text = `late by ${days(lateness.daysLate)}: ${num(lateness.penaltyPercent)} % off${lateness.countedScore !== null ? `, ${num(lateness.countedScore)} counts` : ''}`;
  else text = `late by ${days(lateness.daysLate)} (marked late, no penalty)`;
  return [h('dt', null, 'Due date'), h('dd', { class: lateness.late ? 'late' : 'on-time', 'data-testid': 'lateness' }, time(lateness.dueAt), ` · ${text}`)];
}
