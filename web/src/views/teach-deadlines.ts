// The instructor's deadline page: the course default, each exercise's own due date, late policy and
// attempt limit (blank inherits the default), and extensions per student.
import { del, get, put } from '../api';
import { h, replace, uid } from '../dom';
import { num, time } from '../format';
import { enc, type RouteContext } from '../router';
import { empty, errorBox, loading, table } from '../ui';
import type { CourseDeadlines, DeadlineExtension, DeadlineSettings, Enrolment, LatePolicy } from '../types';
import { latePolicyText } from './deadline-standing';
import { getCourse, shell } from './teach';

const POLICIES: [LatePolicy, string][] = [
  ['closed', 'closed: refuse submissions after the due date'],
  ['penalty', 'penalty: a percentage off per started day late'],
  ['marked', 'marked: accept and mark late, no penalty'],
];

/** "2026-12-10T23:59" in this browser's time zone, for a datetime-local input. */
function localInputValue(iso: string | null): string {
  if (!iso) return '';
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A datetime-local value (this browser's time zone) as the UTC instant the API stores, or null when blank. */
function instantOf(value: string): string | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

const numberOrNull = (value: string) => (value.trim() === '' ? null : Number(value));
const zone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** One level of settings as a form; `inheritLabel` names what a blank field falls back to. */
function settingsForm(title: string, current: DeadlineSettings, inheritLabel: string, save: (settings: DeadlineSettings) => Promise<void>): HTMLElement {
  const id = uid('deadline');
  const due = h('input', { type: 'datetime-local', id: `${id}-due`, value: localInputValue(current.dueAt), 'aria-describedby': `${id}-zone` });
  const policy = h(
    'select',
    { id: `${id}-policy` },
    h('option', { value: '', selected: current.latePolicy === null }, inheritLabel),
    POLICIES.map(([value, label]) => h('option', { value, selected: current.latePolicy === value }, label)),
  );
  const perDay = h('input', { type: 'number', id: `${id}-per-day`, min: 0, max: 100, step: 'any', inputmode: 'decimal', value: current.penaltyPercentPerDay ?? '' });
  const floor = h('input', { type: 'number', id: `${id}-floor`, min: 0, max: 100, step: 'any', inputmode: 'decimal', value: current.penaltyFloorPercent ?? '' });
  const attempts = h('input', { type: 'number', id: `${id}-attempts`, min: 1, step: 1, inputmode: 'numeric', value: current.maxAttempts ?? '' });
  const message = h('div', { class: 'form-message', role: 'status' });
  const button = h('button', { type: 'submit', class: 'button primary' }, 'Save');
  const field = (input: HTMLElement, label: string) => h('div', { class: 'field' }, h('label', { for: input.id }, label), input);
  return h(
    'form',
    {
      class: 'deadline-form',
      'aria-label': title,
      onSubmit: async (event: SubmitEvent) => {
        event.preventDefault();
        button.disabled = true;
        replace(message);
        try {
          await save({
            dueAt: instantOf(due.value),
            latePolicy: (policy.value || null) as LatePolicy | null,
            penaltyPercentPerDay: numberOrNull(perDay.value),
            penaltyFloorPercent: numberOrNull(floor.value),
            maxAttempts: numberOrNull(attempts.value),
          });
          replace(message, h('p', { class: 'notice' }, `Saved ${title.toLowerCase()}.`));
        } catch (error) {
          replace(message, errorBox(error, `Could not save ${title.toLowerCase()}`));
        } finally {
          button.disabled = false;
        }
      },
    },
    h(
      'div',
      { class: 'deadline-fields' },
      h(
        'div',
        { class: 'field' },
        h('label', { for: due.id }, 'Due date'),
        due,
        h('span', { id: `${id}-zone`, class: 'muted small' }, `your time (${zone()}); blank: ${inheritLabel}`),
      ),
      field(policy, 'Late policy'),
      field(perDay, 'Penalty % per day late'),
      field(floor, 'Keeps at least %'),
      field(attempts, 'Attempt limit'),
    ),
    h('div', { class: 'actions' }, button),
    message,
  );
}

/** #/teach/:course/deadlines */
export async function teachDeadlinesPage(ctx: RouteContext): Promise<void> {
  const slug = ctx.params.course;
  const course = await getCourse(ctx);
  const body = h('div', null, loading('Loading the deadlines…'));
  shell(ctx, course, 'deadlines', body);
  const base = `/courses/${enc(slug)}`;
  const render = async (): Promise<void> => {
    try {
      const [deadlines, enrolments] = await Promise.all([
        get<CourseDeadlines>(`${base}/deadlines`, { signal: ctx.signal }),
        get<Enrolment[]>(`${base}/enrolments`, { signal: ctx.signal }),
      ]);
      const extensions = await Promise.all(deadlines.exercises.map((e) => get<DeadlineExtension[]>(`${base}/exercises/${enc(e.exercise)}/extensions`, { signal: ctx.signal })));
      const students = enrolments.filter((e) => e.role === 'student');
      const saved = async (path: string, settings: DeadlineSettings) => {
        await put(path, settings);
        await render();
      };
      replace(
        body,
        h(
          'section',
          { 'aria-labelledby': 'default-title', class: 'panel' },
          h('h2', { id: 'default-title' }, 'Course default'),
          h('p', { class: 'muted' }, 'Each exercise takes every setting it leaves blank from here. Late is judged by when memgrade accepted a submission, not when it was graded.'),
          settingsForm('Course default', deadlines.default, 'not set (late work is marked)', (settings) => saved(`${base}/deadlines`, settings)),
        ),
        h(
          'section',
          { 'aria-labelledby': 'exercise-deadlines-title' },
          h('h2', { id: 'exercise-deadlines-title' }, 'Exercises'),
          deadlines.exercises.length
            ? [
                table(
                  'What applies to each exercise',
                  ['Exercise', 'Due', 'Late policy', 'Attempts', 'Extensions'],
                  deadlines.exercises.map((e, i) => [
                    h('code', null, e.exercise),
                    e.effective.dueAt ? time(e.effective.dueAt) : 'no due date',
                    e.effective.dueAt ? latePolicyText(e.effective.latePolicy, e.effective.penaltyPercentPerDay, e.effective.penaltyFloorPercent) : '–',
                    e.effective.maxAttempts === null ? 'no limit' : num(e.effective.maxAttempts),
                    num(extensions[i].length),
                  ]),
                ),
                deadlines.exercises.map((e) =>
                  h(
                    'details',
                    { class: 'panel deadline-exercise' },
                    h('summary', null, `Edit ${e.exercise}`),
                    settingsForm(`Deadline of ${e.exercise}`, e.own, 'the course default', (settings) => saved(`${base}/exercises/${enc(e.exercise)}/deadline`, settings)),
                  ),
                ),
              ]
            : empty('This course has no exercise yet.'),
        ),
        extensionsSection(base, deadlines, extensions.flat(), students, render),
      );
    } catch (error) {
      if (!ctx.signal.aborted) replace(body, errorBox(error, 'Could not load the deadlines'));
    }
  };
  await render();
}

function extensionsSection(base: string, deadlines: CourseDeadlines, extensions: DeadlineExtension[], students: Enrolment[], rerender: () => Promise<void>): HTMLElement {
  const message = h('div', { class: 'form-message', role: 'status' });
  const exercise = h(
    'select',
    { id: 'extension-exercise' },
    deadlines.exercises.map((e) => h('option', { value: e.exercise }, e.exercise)),
  );
  const student = h(
    'select',
    { id: 'extension-student' },
    students.map((s) => h('option', { value: s.userId }, s.externalId ? `${s.displayName} (${s.externalId})` : s.displayName)),
  );
  const due = h('input', { type: 'datetime-local', id: 'extension-due', 'aria-describedby': 'extension-due-zone' });
  const extra = h('input', { type: 'number', id: 'extension-extra', min: 0, max: 1000, step: 1, inputmode: 'numeric', value: 0 });
  const button = h('button', { type: 'submit', class: 'button primary' }, 'Give extension');
  const form = h(
    'form',
    {
      class: 'deadline-form',
      'aria-label': 'Give an extension',
      onSubmit: async (event: SubmitEvent) => {
        event.preventDefault();
        button.disabled = true;
        replace(message);
        try {
          await put(`${base}/exercises/${enc(exercise.value)}/extensions/${enc(student.value)}`, { dueAt: instantOf(due.value), extraAttempts: numberOrNull(extra.value) ?? 0 });
          await rerender();
        } catch (error) {
          replace(message, errorBox(error, 'Could not give the extension'));
          button.disabled = false;
        }
      },
    },
    h(
      'div',
      { class: 'deadline-fields' },
      h('div', { class: 'field' }, h('label', { for: exercise.id }, 'Exercise'), exercise),
      h('div', { class: 'field' }, h('label', { for: student.id }, 'Student'), student),
      h(
        'div',
        { class: 'field' },
        h('label', { for: due.id }, 'Their due date'),
        due,
        h('span', { id: 'extension-due-zone', class: 'muted small' }, `your time (${zone()}); blank: unchanged`),
      ),
      h('div', { class: 'field' }, h('label', { for: extra.id }, 'Extra attempts'), extra),
    ),
    h('div', { class: 'actions' }, button),
    message,
  );
  const remove = (row: DeadlineExtension) =>
    h(
      'button',
      {
        type: 'button',
        class: 'button quiet',
        'aria-label': `Remove the extension of ${row.displayName} on ${row.exercise}`,
        onClick: async () => {
          try {
            await del(`${base}/exercises/${enc(row.exercise)}/extensions/${enc(row.studentId)}`);
            await rerender();
          } catch (error) {
            replace(message, errorBox(error, 'Could not remove the extension'));
          }
        },
      },
      'Remove',
    );
  return h(
    'section',
    { 'aria-labelledby': 'extensions-title' },
    h('h2', { id: 'extensions-title' }, 'Extensions'),
    h('p', { class: 'muted' }, 'A later due date for one student, extra attempts, or both. Giving one replaces what that student had on the exercise.'),
    extensions.length
      ? table(
          'Extensions',
          ['Exercise', 'Student', 'Their due date', 'Extra attempts', ''],
          extensions.map((row) => [h('code', null, row.exercise), row.displayName, row.dueAt ? time(row.dueAt) : '–', num(row.extraAttempts), remove(row)]),
          { hideCaption: true },
        )
      : empty('No student has an extension.'),
    students.length && deadlines.exercises.length ? form : empty('Extensions need an exercise and an enrolled student.'),
  );
}
