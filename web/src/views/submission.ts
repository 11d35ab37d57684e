// One submission: live status, score, per-test feedback with measurements; staff also see the
// instructor-only detail and can regrade.
import { get, post, query, watchSubmission } from '../api';
import { h, replace } from '../dom';
import { restoreDrafts } from '../drafts';
import { codeSection, evidenceMark, flagsSection, outputSection, severityBadge } from '../review';
import { latenessFacts } from './deadline-standing';
import { duration, num, scoreBadge, shortId, statusBadge, time, VERDICT_LABEL } from '../format';
import { renderMeasurements } from '../measurements';
import { queuePlaceText } from '../queue-place';
import { enc, navigate, type RouteContext } from '../router';
import { breadcrumbs, empty, errorBox, loading, pageTitle, table } from '../ui';
import {
  FINAL_STATUSES,
  type Course,
  type ExerciseDetail,
  type RegradeQueued,
  type SubmissionPage,
  type QueuePlace,
  type SubmissionCode,
  type SubmissionSummary,
  type SubmissionView,
  type TestView,
} from '../types';

export const isStaff = (role: string) => role === 'admin' || role === 'instructor';
/** Staff of one course by the caller's role in it (`yourRole`): a TA is a student-level user. */
export const isCourseStaff = (role: string | null | undefined) => role === 'admin' || role === 'instructor' || role === 'ta';

/**
 * The one message every test carries when the whole run failed the same way (a syntax or import
 * error, the sandbox stopping the run): shown once above the tests instead of in every card.
 */
export function sharedFailure(view: SubmissionView): string | null {
  const withMessage = view.tests.filter((t) => t.message !== undefined);
  if (withMessage.length < 2 || view.tests.some((t) => t.passed)) return null;
  const first = withMessage[0].message;
  return first && withMessage.every((t) => t.message === first) ? first : null;
}

const FAILURE_TITLE: Record<string, string> = {
  crashed: 'Your file could not be loaded, so no test could run',
  timeout: 'The run was stopped: it took too long',
  memory_limit: 'The run was stopped: it used too much memory',
  output_limit: 'The run was stopped: it printed too much',
};

function testItem(test: TestView, staff: boolean, shared: string | null): HTMLElement {
  const result = test.passed ? 'passed' : 'failed';
  const points = test.score !== undefined && test.maxScore !== undefined ? `${num(test.score)} / ${num(test.maxScore)} pts` : null;
  const measurements = shared ? null : renderMeasurements(test.measurements, test.message);
  return h(
    'li',
    { class: `test ${result}` },
    h(
      'div',
      { class: 'test-head' },
      h('span', { class: 'test-icon', 'aria-hidden': 'true' }, test.passed ? '✓' : '✗'),
      h('h4', { class: 'test-name' }, h('span', { class: 'sr-only' }, `${test.passed ? 'Passed' : 'Failed'}: `), test.name),
      test.hidden ? h('span', { class: 'tag' }, 'hidden') : null,
      points ? h('span', { class: 'test-points' }, points) : null,
    ),
    test.hidden && test.message === undefined
      ? h('p', { class: 'muted small' }, `Hidden test: only whether it ${result === 'passed' ? 'passed' : 'failed'} is shown to you.`)
      : null,
    shared && test.message === shared
      ? h('p', { class: 'muted small' }, 'Not graded on its own: see the message above.')
      : test.message
        ? h('p', { class: 'test-message' }, test.message)
        : null,
    test.evidence ? evidenceMark(test.evidence) : null,
    measurements,
    staff && test.detail ? h('details', { class: 'detail' }, h('summary', null, 'Instructor detail'), h('pre', null, test.detail)) : null,
  );
}

/** The submission's status, score and tests. */
export function renderSubmission(view: SubmissionView, staff: boolean): HTMLElement {
  const final = FINAL_STATUSES.has(view.status);
  // A regrade shows the stored result (it stands until the new one is stored), with a note.
  const showsResult = view.status === 'graded' || view.regrading === true;
  const passed = view.tests.filter((t) => t.passed).length;
  const shared = showsResult ? sharedFailure(view) : null;
  const marks = view.tests.flatMap((t) => (t.evidence ? [{ test: t.name, evidence: t.evidence }] : []));
  return h(
    'article',
    { class: 'submission', 'data-status': view.status, 'data-submission': view.id, 'aria-busy': final ? 'false' : 'true' },
    h(
      'div',
      { class: 'submission-summary' },
      h(
        'div',
        { class: 'summary-main' },
        statusBadge(view.status),
        showsResult ? h('span', { class: 'big-score', 'data-testid': 'score' }, scoreBadge(view.score, view.maxScore)) : null,
        view.verdict ? h('span', { class: `verdict verdict-${view.verdict}` }, VERDICT_LABEL[view.verdict] ?? view.verdict) : null,
        view.flagSeverity ? severityBadge(view.flagSeverity, 'Flagged: ') : null,
      ),
      h(
        'dl',
        { class: 'summary-facts' },
        h('dt', null, 'Submitted'),
        h('dd', null, time(view.createdAt)),
        view.durationMs !== null ? [h('dt', null, 'Grading took'), h('dd', null, duration(view.durationMs))] : null,
        view.tests.length ? [h('dt', null, 'Tests passed'), h('dd', null, `${passed} of ${view.tests.length}`)] : null,
        latenessFacts(view.lateness),
      ),
    ),
    view.regrading
      ? h(
          'p',
          { class: 'notice', 'data-testid': 'regrading' },
          `Being graded again (${view.status === 'running' ? 'running' : 'queued'}): the result below stands until the new one is stored.`,
        )
      : null,
    view.status === 'queued' && !view.regrading
      ? h(
          'div',
          { class: 'queue-place' },
          h('p', null, view.queue ? queuePlaceText(view.queue) : 'Waiting for a grader…'),
          view.errorReason ? h('p', { class: 'muted small' }, view.errorReason) : null,
        )
      : null,
    view.status === 'running' && !view.regrading ? h('p', { class: 'muted' }, 'Running your code in the sandbox…') : null,
    view.status === 'error'
      ? h(
          'div',
          { class: 'error-box', role: 'alert' },
          h('p', { class: 'error-title' }, 'This submission could not be graded'),
          h('p', null, view.errorReason ?? 'The grader failed. It is not your fault; submit again or ask your instructor.'),
        )
      : null,
    // The API sends flags and evidence marks only to the course's staff: shown whenever present.
    view.flags ? flagsSection(view.flags, marks) : null,
    shared
      ? h(
          'div',
          { class: 'error-box run-failure', role: 'alert' },
          h('p', { class: 'error-title' }, FAILURE_TITLE[view.verdict ?? ''] ?? 'Every test failed for the same reason'),
          h('pre', { class: 'failure-message' }, shared),
        )
      : null,
    view.tests.length
      ? h(
          'section',
          { class: 'tests' },
          h('h3', null, 'Tests'),
          h(
            'ol',
            { class: 'test-list' },
            view.tests.map((t) => testItem(t, staff, shared)),
          ),
        )
      : showsResult
        ? empty('No test results were recorded for this run.')
        : null,
    final || view.regrading ? outputSection(view.output, staff) : null,
  );
}

/**
 * Follows a submission into `container`, re-rendering on each status; resolves with the final view.
 * While it is queued its place in the queue is read every 2 s (the status stream does not carry it).
 */
export async function followSubmission(container: HTMLElement, id: string, staff: boolean, signal: AbortSignal, announce?: (text: string) => void): Promise<SubmissionView | null> {
  let latest: SubmissionView | null = null;
  let queue: QueuePlace | undefined;
  let announced = '';
  const show = (incoming: SubmissionView) => {
    let view = incoming;
    if (view.status === 'queued') {
      if (view.queue) queue = view.queue;
      else if (queue) view = { ...view, queue };
    }
    latest = view;
    replace(container, renderSubmission(view, staff));
    if (!announce) return;
    const text =
      view.status === 'graded'
        ? `Graded: ${num(view.score ?? 0)} of ${num(view.maxScore)} points.`
        : view.status === 'error'
          ? 'The submission could not be graded.'
          : view.status === 'running'
            ? 'Running…'
            : view.queue
              ? `Queued. ${queuePlaceText(view.queue)}`
              : 'Queued…';
    // A new state or place is announced; a changing estimate alone is not (it would chatter).
    const key = `${view.status}:${view.queue?.state ?? ''}:${view.queue?.position ?? ''}`;
    if (key !== announced) {
      announced = key;
      announce(text);
    }
  };
  const stopPolling = new AbortController();
  const stop = () => stopPolling.abort();
  signal.addEventListener('abort', stop, { once: true });
  void (async () => {
    for (let delay = 0; !stopPolling.signal.aborted; delay = 2000) {
      if (delay) await new Promise((resolve) => window.setTimeout(resolve, delay));
      const current = latest as SubmissionView | null;
      if (stopPolling.signal.aborted || (current && current.status !== 'queued')) continue;
      try {
        const view = await get<SubmissionView>(`/submissions/${enc(id)}`, { signal: stopPolling.signal });
        const now = latest as SubmissionView | null;
        // Only a still-queued answer: later states come from the stream, in order.
        if (view.status === 'queued' && (!now || now.status === 'queued') && !stopPolling.signal.aborted) show(view);
      } catch {
        // the stream (or its polling fallback) reports errors; this is only the queue place
      }
    }
  })();
  try {
    return await watchSubmission(id, show, signal);
  } catch (error) {
    if (signal.aborted) return null;
    container.appendChild(errorBox(error, 'Lost track of this submission'));
    return null;
  } finally {
    stop();
    signal.removeEventListener('abort', stop);
  }
}

/** A list of submissions with links; `names` maps student ids to names (staff views). */
export function submissionsTable(
  caption: string,
  items: SubmissionSummary[],
  options: { showExercise?: boolean; names?: Map<string, string>; titles?: Map<string, string>; hideCaption?: boolean; flags?: boolean } = {},
): HTMLElement {
  const headers = ['Submitted', ...(options.names ? ['Student'] : []), ...(options.showExercise ? ['Exercise'] : []), 'Status', 'Score', ...(options.flags ? ['Flags'] : []), ''];
  return table(
    caption,
    headers,
    items.map((s) => [
      time(s.createdAt),
      ...(options.names ? [options.names.get(s.studentId) ?? h('code', { title: s.studentId }, shortId(s.studentId))] : []),
      ...(options.showExercise ? [exerciseName(s.exercise, options.titles)] : []),
      [statusBadge(s.status), s.verdict && s.verdict !== 'ok' ? h('span', { class: 'muted small' }, ` ${VERDICT_LABEL[s.verdict] ?? s.verdict}`) : null],
      scoreBadge(s.status === 'graded' ? s.score : null, s.maxScore),
      ...(options.flags ? [s.flagSeverity ? severityBadge(s.flagSeverity) : h('span', { class: 'muted' }, '–')] : []),
      h('a', { href: `#/s/${enc(s.id)}`, 'aria-label': `Open submission ${shortId(s.id)}` }, 'Open'),
    ]),
    { hideCaption: options.hideCaption, className: 'submissions' },
  );
}

function exerciseName(reference: string, titles?: Map<string, string>): string {
  const slug = reference.split('/')[1] ?? reference;
  return titles?.get(slug) ?? slug;
}

/** The caller's own submissions (of a course, optionally one exercise), with "Load more". */
export function historySection(
  title: string,
  course: string,
  exercise: string | null,
  signal: AbortSignal,
  titles?: Map<string, string>,
): { element: HTMLElement; reload: () => Promise<void> } {
  const body = h('div', null, loading('Loading your submissions…'));
  const element = h('section', { class: 'history', 'aria-labelledby': `history-${exercise ?? 'all'}` }, h('h2', { id: `history-${exercise ?? 'all'}` }, title), body);
  let items: SubmissionSummary[] = [];
  let cursor: string | null = null;
  const render = () => {
    if (!items.length) return replace(body, empty(exercise ? 'You have not submitted this exercise yet.' : 'You have not submitted anything in this course yet.'));
    replace(
      body,
      submissionsTable(title, items, { showExercise: !exercise, hideCaption: true, titles }),
      cursor ? h('button', { type: 'button', class: 'button secondary', onClick: () => void more() }, 'Load more') : null,
    );
  };
  const fetchPage = (after: string | null) => get<SubmissionPage>(`/submissions${query({ course, exercise, limit: 20, cursor: after })}`, { signal });
  const more = async () => {
    try {
      const page = await fetchPage(cursor);
      items = items.concat(page.items);
      cursor = page.nextCursor;
      render();
    } catch (error) {
      if (!signal.aborted) body.appendChild(errorBox(error));
    }
  };
  const reload = async () => {
    try {
      const page = await fetchPage(null);
      items = page.items;
      cursor = page.nextCursor;
      render();
    } catch (error) {
      if (!signal.aborted) replace(body, errorBox(error, 'Could not load your submissions'));
    }
  };
  void reload();
  return { element, reload };
}

/** #/s/:id */
export async function submissionPage(ctx: RouteContext): Promise<void> {
  const view = await get<SubmissionView>(`/submissions/${enc(ctx.params.id)}`, { signal: ctx.signal });
  const [course, exercise] = view.exercise.split('/');
  // Titles for the breadcrumbs; the slugs do when they cannot be read (an unpublished exercise).
  const [courseInfo, exerciseInfo] = await Promise.allSettled([
    get<Course>(`/courses/${enc(course)}`, { signal: ctx.signal }),
    get<ExerciseDetail>(`/courses/${enc(course)}/exercises/${enc(exercise)}`, { signal: ctx.signal }),
  ]);
  const courseTitle = courseInfo.status === 'fulfilled' ? courseInfo.value.title : course;
  const staff = courseInfo.status === 'fulfilled' ? isCourseStaff(courseInfo.value.yourRole) : isStaff(ctx.me.role);
  const exerciseTitle = exerciseInfo.status === 'fulfilled' ? exerciseInfo.value.title : exercise;
  const container = h('div', { class: 'submission-host' }, renderSubmission(view, staff));
  const status = h('p', { class: 'sr-only', role: 'status', 'aria-live': 'polite' });
  const notice = h('div');
  const actions = staff
    ? h(
        'div',
        { class: 'actions' },
        h(
          'button',
          {
            type: 'button',
            class: 'button secondary',
            onClick: async (event: MouseEvent) => {
              const button = event.currentTarget as HTMLButtonElement;
              button.disabled = true;
              replace(notice);
              try {
                const queued = await post<RegradeQueued>(`/submissions/${enc(view.id)}/regrade`);
                replace(notice, h('p', { class: 'notice' }, 'Regrade requested: the submission is being graded again.'));
                // The stored result stays on screen until the new one is stored.
                replace(container, renderSubmission({ ...view, status: queued?.status ?? 'queued', regrading: view.score !== null }, staff));
                await followSubmission(container, view.id, staff, ctx.signal, (t) => (status.textContent = t));
              } catch (error) {
                if (!ctx.signal.aborted) replace(notice, errorBox(error, 'Could not regrade'));
              } finally {
                button.disabled = false;
              }
            },
          },
          'Regrade',
        ),
        h('a', { class: 'button secondary', href: `#/teach/${enc(course)}/submissions` }, 'All submissions of the course'),
      )
    : null;
  const code = h('div', { class: 'code-host' }, loading('Loading the submitted code…'));
  void get<SubmissionCode>(`/submissions/${enc(view.id)}/code`, { signal: ctx.signal }).then(
    (files) =>
      replace(
        code,
        codeSection(files, {
          previousHref: files.previous ? `#/s/${enc(files.previous.id)}` : undefined,
          restore: () => {
            restoreDrafts(ctx.me.id, view.exercise, files.files);
            navigate(`/c/${course}/e/${exercise}`, { restored: view.id });
          },
        }),
      ),
    (error) => {
      if (!ctx.signal.aborted) replace(code, errorBox(error, 'Could not load the submitted code'));
    },
  );
  replace(
    ctx.main,
    breadcrumbs(
      ['Courses', '#/'],
      [courseTitle, staff ? `#/teach/${enc(course)}` : `#/c/${enc(course)}`],
      [exerciseTitle, staff ? `#/teach/${enc(course)}/exercises/${enc(exercise)}` : `#/c/${enc(course)}/e/${enc(exercise)}`],
      [`Submission ${shortId(view.id)}`, null],
    ),
    pageTitle(
      `Submission ${shortId(view.id)}`,
      h('p', { class: 'subtitle' }, 'Exercise ', h('a', { href: `#/c/${enc(course)}/e/${enc(exercise)}` }, exerciseTitle), ' in ', courseTitle),
    ),
    actions,
    notice,
    status,
    container,
    code,
  );
  if (!FINAL_STATUSES.has(view.status)) await followSubmission(container, view.id, staff, ctx.signal, (t) => (status.textContent = t));
}
