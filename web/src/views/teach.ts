// The instructor's pages: a course's exercises with validation, its submissions (filters, paging),
// the score distribution per exercise, and the gradebook (table and CSV download).
import { ApiError, download, get, query } from '../api';
import { h, replace, s, uid } from '../dom';
import { mib, num, score, shortId, time } from '../format';
import { enc, href, navigate, type RouteContext } from '../router';
import { breadcrumbs, empty, errorBox, jsonTree, loading, pageTitle, table } from '../ui';
import type { Course, Enrolment, ExerciseDetail, ExerciseSummary, ExerciseVersion, Gradebook, SubmissionPage, SubmissionSummary } from '../types';
import { fitToWidth, PLOT_MAX_WIDTH, PLOT_MIN_WIDTH } from '../plot';
import { severityBadge } from '../review';
import { submissionsTable } from './submission';
import { regradePanel } from './regrade-panel';
import { stepsOf, stepsView } from './validation-steps';
import { makeCurrentButton } from './version-current';

const TABS = [
  ['exercises', 'Exercises'],
  ['submissions', 'Submissions'],
  ['scores', 'Score distribution'],
  ['gradebook', 'Gradebook'],
  ['roster', 'Roster'],
  ['deadlines', 'Deadlines'],
] as const;
type Tab = (typeof TABS)[number][0];

/** The instructor pages' frame: breadcrumbs, heading, the course's tabs, then the content. */
export function shell(ctx: RouteContext, course: Course, tab: Tab, ...content: (Node | null)[]): void {
  const slug = course.slug;
  replace(
    ctx.main,
    breadcrumbs(['Courses', '#/'], [course.title, null]),
    pageTitle(course.title, h('p', { class: 'subtitle' }, 'Instructor view · ', h('a', { href: `#/c/${enc(slug)}` }, 'see it as a student'))),
    h(
      'nav',
      { class: 'tabs', 'aria-label': 'Course sections' },
      h(
        'ul',
        null,
        TABS.map(([id, label]) => h('li', null, h('a', { href: `#/teach/${enc(slug)}/${id}`, 'aria-current': id === tab ? 'page' : null }, label))),
      ),
    ),
    ...content,
  );
  document.title = `${TABS.find(([id]) => id === tab)![1]} · ${course.title} · memgrade`;
}

export const getCourse = (ctx: RouteContext) => get<Course>(`/courses/${enc(ctx.params.course)}`, { signal: ctx.signal });

function validationStatus(version: ExerciseVersion | undefined): HTMLElement {
  if (!version) return h('span', { class: 'muted' }, '–');
  return h('span', { class: `badge validation-${version.status}` }, version.status);
}

/** #/teach/:course and #/teach/:course/exercises */
export async function teachExercisesPage(ctx: RouteContext): Promise<void> {
  const slug = ctx.params.course;
  const [course, exercises] = await Promise.all([getCourse(ctx), get<ExerciseSummary[]>(`/courses/${enc(slug)}/exercises`, { signal: ctx.signal })]);
  const versions = await Promise.all(
    exercises.map((e) => get<ExerciseVersion[]>(`/courses/${enc(slug)}/exercises/${enc(e.slug)}/versions`, { signal: ctx.signal }).catch((error: unknown) => error)),
  );
  shell(
    ctx,
    course,
    'exercises',
    h(
      'section',
      { 'aria-labelledby': 'ex-title' },
      h('h2', { id: 'ex-title' }, 'Published exercises'),
      h('p', null, h('a', { class: 'button secondary', href: `#/teach/${enc(slug)}/publish` }, 'Publish an exercise')),
      exercises.length
        ? table(
            'Published exercises',
            ['Exercise', 'Slug', 'Points', 'Limits', 'Current version', 'Validation', 'Versions'],
            exercises.map((e, i) => {
              const list = versions[i];
              const current = Array.isArray(list) ? list.find((v) => v.current) : undefined;
              return [
                h('a', { href: `#/teach/${enc(slug)}/exercises/${enc(e.slug)}` }, e.title),
                h('code', null, e.slug),
                num(e.maxScore),
                `${mib(e.limits.memoryMiB)}, ${num(e.limits.timeSeconds)} s`,
                current ? `#${current.number}` : '–',
                Array.isArray(list) ? validationStatus(current) : h('span', { class: 'bad-text' }, list instanceof ApiError ? list.message : 'unavailable'),
                Array.isArray(list) ? String(list.length) : '–',
              ];
            }),
            { hideCaption: true },
          )
        : empty('No exercise of this course has a valid published version yet.'),
    ),
  );
}

interface SolutionReport {
  score: number;
  maxScore: number;
  verdict?: string;
  tests?: { name: string; passed: boolean; score?: number; maxScore?: number; message?: string }[];
}

const isSolutionReport = (v: unknown): v is SolutionReport => !!v && typeof v === 'object' && typeof (v as SolutionReport).score === 'number';

/**
 * The validation report as the worker writes it ({ checkedAt, durationMs, referenceRuns?,
 * reference?, starter?, wrong?, problems }); anything else is shown as a tree.
 */
export function validationReport(report: unknown): HTMLElement {
  if (!report || typeof report !== 'object' || Array.isArray(report) || !Array.isArray((report as { problems?: unknown }).problems)) {
    return h('div', { class: 'report' }, jsonTree(report));
  }
  const r = report as Record<string, unknown> & { problems: unknown[] };
  const solutions = (['reference', 'starter', 'wrong'] as const).filter((k) => isSolutionReport(r[k]));
  const known = new Set(['checkedAt', 'durationMs', 'referenceRuns', 'problems', 'reference', 'starter', 'wrong']);
  const rest = Object.fromEntries(Object.entries(r).filter(([k]) => !known.has(k)));
  return h(
    'div',
    { class: 'report' },
    r.problems.length
      ? h(
          'div',
          { class: 'error-box' },
          h('p', { class: 'error-title' }, `${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}`),
          h(
            'ul',
            null,
            r.problems.map((p) => h('li', null, String(p))),
          ),
        )
      : h('p', { class: 'ok-text' }, 'No problems found.'),
    h(
      'p',
      { class: 'muted small' },
      typeof r.checkedAt === 'string' ? ['Checked ', time(r.checkedAt)] : null,
      typeof r.durationMs === 'number' ? ` in ${num(r.durationMs / 1000, 1)} s` : null,
      typeof r.referenceRuns === 'number' ? ` · reference measured over ${r.referenceRuns} run${r.referenceRuns === 1 ? '' : 's'}` : null,
    ),
    solutions.length
      ? table(
          'Solutions graded during validation',
          ['Solution', 'Score', 'Verdict', 'Tests'],
          solutions.map((k) => {
            const sol = r[k] as SolutionReport;
            return [
              k,
              score(sol.score, sol.maxScore),
              sol.verdict ?? '–',
              sol.tests?.length
                ? h(
                    'ul',
                    { class: 'checks' },
                    sol.tests.map((t) =>
                      h(
                        'li',
                        null,
                        h('span', { class: t.passed ? 'ok-text' : 'bad-text' }, t.passed ? '✓ ' : '✗ '),
                        t.name,
                        t.message && !t.passed ? h('span', { class: 'muted small' }, ` — ${t.message}`) : null,
                      ),
                    ),
                  )
                : '–',
            ];
          }),
          { hideCaption: true },
        )
      : null,
    Object.keys(rest).length ? jsonTree(rest) : null,
  );
}

/** Reference figures ({ key: { rss_peak_mib: … } }) as a table, else as a tree. */
function referencePeaksView(peaks: unknown): HTMLElement {
  const entries = peaks && typeof peaks === 'object' && !Array.isArray(peaks) ? Object.entries(peaks as Record<string, unknown>) : [];
  if (!entries.length) return empty('Not measured.');
  const rows = entries.filter(
    (e): e is [string, Record<string, number>] => !!e[1] && typeof e[1] === 'object' && Object.values(e[1] as object).every((v) => typeof v === 'number'),
  );
  if (rows.length !== entries.length) return h('div', { class: 'report' }, jsonTree(peaks));
  const figures = [...new Set(rows.flatMap(([, v]) => Object.keys(v)))];
  return table(
    "Reference solution's measured figures",
    ['Measurement', ...figures],
    rows.map(([key, v]) => [h('code', null, key), ...figures.map((f) => (typeof v[f] === 'number' ? (/_mib$/.test(f) ? mib(v[f]) : num(v[f], 3)) : '–'))]),
    { hideCaption: true },
  );
}

/** #/teach/:course/exercises/:exercise */
export async function teachExercisePage(ctx: RouteContext): Promise<void> {
  const { course: slug, exercise } = ctx.params;
  const [course, versions, title] = await Promise.all([
    getCourse(ctx),
    get<ExerciseVersion[]>(`/courses/${enc(slug)}/exercises/${enc(exercise)}/versions`, { signal: ctx.signal }),
    // The title of the published version; the slug for an exercise that has none.
    get<ExerciseDetail>(`/courses/${enc(slug)}/exercises/${enc(exercise)}`, { signal: ctx.signal }).then(
      (e) => e.title,
      () => exercise,
    ),
  ]);
  replace(
    ctx.main,
    breadcrumbs(['Courses', '#/'], [course.title, `#/teach/${enc(slug)}`], [title, null]),
    pageTitle(
      title,
      h(
        'p',
        { class: 'subtitle' },
        h('code', null, exercise),
        ' · ',
        h('a', { href: `#/c/${enc(slug)}/e/${enc(exercise)}` }, 'Open as a student'),
        ' · ',
        h('a', { href: href(`/teach/${slug}/submissions`, { exercise }) }, 'Its submissions'),
        ' · ',
        h('a', { href: `#/teach/${enc(slug)}/exercises/${enc(exercise)}/analytics` }, 'Per-test analytics'),
      ),
    ),
    versions.length
      ? h(
          'ol',
          { class: 'versions' },
          versions.map((v) =>
            h(
              'li',
              { class: 'panel version' },
              h(
                'h2',
                null,
                `Version ${v.number} `,
                v.current ? h('span', { class: 'tag current' }, 'current') : null,
                ' ',
                h('span', { class: `badge validation-${v.status}` }, v.status),
              ),
              h(
                'dl',
                { class: 'summary-facts' },
                h('dt', null, 'Created'),
                h('dd', null, time(v.createdAt)),
                h('dt', null, 'Points'),
                h('dd', null, num(v.maxScore)),
                h('dt', null, 'Content hash'),
                h('dd', null, h('code', { title: v.contentHash }, v.contentHash.slice(0, 12))),
              ),
              h('h3', null, 'Validation report'),
              v.validation === null || v.validation === undefined
                ? empty(v.status === 'pending' ? 'Validation has not run yet.' : 'No validation report was recorded.')
                : v.status === 'pending' && stepsOf(v.validation)
                  ? stepsView(stepsOf(v.validation)!)
                  : validationReport(v.validation),
              h('h3', null, "Reference solution's peaks"),
              referencePeaksView(v.referencePeaks),
              makeCurrentButton(slug, exercise, v, () => void teachExercisePage(ctx)),
              regradePanel(slug, exercise, v.number, ctx.signal),
            ),
          ),
        )
      : empty('This exercise has no versions.'),
  );
}

/** Student names of the course (id → name), for tables. */
async function rosterOf(slug: string, signal: AbortSignal): Promise<Enrolment[]> {
  try {
    return await get<Enrolment[]>(`/courses/${enc(slug)}/enrolments`, { signal });
  } catch (error) {
    if (error instanceof ApiError && error.status === 403) return []; // an lms key: no roster
    throw error;
  }
}

const PAGE_SIZE = 25;

/** #/teach/:course/submissions?status=&exercise=&student= */
export async function teachSubmissionsPage(ctx: RouteContext): Promise<void> {
  const slug = ctx.params.course;
  const filters = {
    status: ctx.query.get('status') ?? '',
    exercise: ctx.query.get('exercise') ?? '',
    student: ctx.query.get('student') ?? '',
    flags: ctx.query.get('flags') ?? '',
  };
  // flags: '' any, 'flagged' any flag or evidence mark, 'high' / 'medium' at least that severe, 'none' not flagged.
  const flagQuery = filters.flags === 'flagged' ? { flagged: 'true' } : filters.flags === 'none' ? { flagged: 'false' } : filters.flags ? { flagSeverity: filters.flags } : {};
  const [course, exercises, roster] = await Promise.all([
    getCourse(ctx),
    get<ExerciseSummary[]>(`/courses/${enc(slug)}/exercises`, { signal: ctx.signal }),
    rosterOf(slug, ctx.signal),
  ]);
  const names = new Map(roster.map((e) => [e.userId, e.displayName]));
  const titles = new Map(exercises.map((e) => [e.slug, e.title]));
  const students = roster.filter((e) => e.role === 'student');

  const apply = (next: Partial<typeof filters>) => navigate(`/teach/${slug}/submissions`, { ...filters, ...next });
  const select = (id: string, label: string, value: string, options: [string, string][], key: keyof typeof filters) =>
    h(
      'div',
      { class: 'field' },
      h('label', { for: id }, label),
      h(
        'select',
        { id, name: key, onChange: (event: Event) => apply({ [key]: (event.target as HTMLSelectElement).value }) },
        options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)),
      ),
    );

  const results = h('div', { class: 'results' }, loading('Loading submissions…'));
  const cursors: (string | null)[] = [null];
  let pageIndex = 0;
  const turn = (delta: number) => {
    pageIndex += delta;
    void load(delta > 0 ? 'page-older' : 'page-newer');
  };
  const load = async (focusAfter?: string) => {
    replace(results, loading('Loading submissions…'));
    try {
      const page = await get<SubmissionPage>(
        `/submissions${query({ course: slug, exercise: filters.exercise, student: filters.student, status: filters.status, ...flagQuery, limit: PAGE_SIZE, cursor: cursors[pageIndex] })}`,
        { signal: ctx.signal },
      );
      cursors[pageIndex + 1] = page.nextCursor;
      const from = pageIndex * PAGE_SIZE + 1;
      replace(
        results,
        page.items.length
          ? submissionsTable(`Submissions ${from}–${from + page.items.length - 1}`, page.items, { showExercise: true, names, titles, flags: true })
          : empty(Object.values(filters).some(Boolean) ? 'No submission matches these filters.' : 'No submissions yet in this course.'),
        pageIndex === 0 && !page.nextCursor
          ? null
          : h(
              'nav',
              { class: 'pager', 'aria-label': 'Pages of submissions' },
              h('button', { type: 'button', id: 'page-newer', class: 'button secondary', disabled: pageIndex === 0, onClick: () => turn(-1) }, '← Newer'),
              h('span', { class: 'muted' }, `Page ${pageIndex + 1}`),
              h('button', { type: 'button', id: 'page-older', class: 'button secondary', disabled: !page.nextCursor, onClick: () => turn(1) }, 'Older →'),
            ),
      );
      // Keyboard users keep their place: the focus stays on the pager's button (or its enabled twin).
      if (focusAfter) {
        const wanted = document.getElementById(focusAfter) as HTMLButtonElement | null;
        const other = document.getElementById(focusAfter === 'page-older' ? 'page-newer' : 'page-older') as HTMLButtonElement | null;
        (wanted && !wanted.disabled ? wanted : other)?.focus();
      }
    } catch (error) {
      if (!ctx.signal.aborted) replace(results, errorBox(error, 'Could not load the submissions'));
    }
  };

  shell(
    ctx,
    course,
    'submissions',
    h(
      'form',
      { class: 'filters', role: 'search', 'aria-label': 'Filter submissions', onSubmit: (e: Event) => e.preventDefault() },
      select(
        'f-status',
        'Status',
        filters.status,
        [
          ['', 'Any status'],
          ['queued', 'Queued'],
          ['running', 'Running'],
          ['graded', 'Graded'],
          ['error', 'Error'],
        ],
        'status',
      ),
      select('f-exercise', 'Exercise', filters.exercise, [['', 'All exercises'], ...exercises.map((e): [string, string] => [e.slug, e.title])], 'exercise'),
      select('f-student', 'Student', filters.student, [['', 'All students'], ...students.map((e): [string, string] => [e.userId, e.displayName])], 'student'),
      select(
        'f-flags',
        'Flags',
        filters.flags,
        [
          ['', 'Flagged or not'],
          ['flagged', 'Flagged (any)'],
          ['high', 'Flagged high'],
          ['medium', 'Flagged medium or high'],
          ['none', 'Not flagged'],
        ],
        'flags',
      ),
      Object.values(filters).some(Boolean) ? h('a', { class: 'button quiet', href: `#/teach/${enc(slug)}/submissions` }, 'Clear filters') : null,
    ),
    results,
  );
  await load();
}

type Counting = 'all' | 'best' | 'latest';

/** Scores into bins: one per point when the maximum is a small whole number, else ten equal bins. */
export function histogram(scores: number[], max: number): { label: string; count: number }[] {
  const whole = max > 0 && max <= 20 && Number.isInteger(max) && scores.every((v) => Number.isInteger(v));
  if (whole) {
    const bins = Array.from({ length: max + 1 }, (_, i) => ({ label: String(i), count: 0 }));
    for (const v of scores) bins[Math.min(max, Math.max(0, v))].count++;
    return bins;
  }
  const top = max > 0 ? max : Math.max(1, ...scores);
  const bins = Array.from({ length: 10 }, (_, i) => ({ label: `${num((top * i) / 10, 1)}–${num((top * (i + 1)) / 10, 1)}`, count: 0 }));
  for (const v of scores) bins[Math.min(9, Math.max(0, Math.floor((v / top) * 10)))].count++;
  return bins;
}

/** Drawn `width` px wide (see fitToWidth), so its text stays readable on a phone. */
function histogramSvg(bins: { label: string; count: number }[], title: string, width = 560): SVGSVGElement {
  const W = Math.round(Math.max(PLOT_MIN_WIDTH, Math.min(PLOT_MAX_WIDTH, width)));
  const H = 190;
  const m = { left: 36, right: 8, top: 18, bottom: 34 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const top = Math.max(1, ...bins.map((b) => b.count));
  const bw = pw / bins.length;
  // Every other bin's label when they would touch (ten "0.4–0.8" labels on a phone).
  const labelEvery = bins.length > 1 && bw < Math.max(...bins.map((b) => b.label.length)) * 7 + 6 ? 2 : 1;
  const titleId = uid('hist');
  return s(
    'svg',
    { class: 'plot histogram', viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', 'aria-labelledby': titleId },
    s('title', { id: titleId }, `${title}: ${bins.map((b) => `${b.count} at ${b.label}`).join(', ')}`),
    s('line', { class: 'axis', x1: m.left, x2: m.left + pw, y1: m.top + ph, y2: m.top + ph }),
    [0, top].map((v) => s('text', { class: 'tick', x: m.left - 6, y: m.top + ph - (v / top) * ph + 4, 'text-anchor': 'end' }, String(v))),
    bins.map((b, i) => {
      const height = (b.count / top) * ph;
      const x = m.left + i * bw;
      return [
        s('rect', { class: 'bar', x: x + bw * 0.12, y: m.top + ph - height, width: bw * 0.76, height: Math.max(height, b.count ? 1 : 0) }),
        b.count ? s('text', { class: 'bar-count', x: x + bw / 2, y: m.top + ph - height - 4, 'text-anchor': 'middle' }, String(b.count)) : null,
        i % labelEvery === 0 ? s('text', { class: 'tick', x: x + bw / 2, y: m.top + ph + 16, 'text-anchor': 'middle' }, b.label) : null,
      ];
    }),
    s('text', { class: 'axis-label', x: m.left + pw / 2, y: H - 2, 'text-anchor': 'middle' }, 'score'),
  );
}

function stats(values: number[]): { mean: number; median: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return { mean: values.reduce((a, b) => a + b, 0) / values.length, median: sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2 };
}

const MAX_LISTED = 5000;

/** #/teach/:course/scores?count=all|best|latest */
export async function teachScoresPage(ctx: RouteContext): Promise<void> {
  const slug = ctx.params.course;
  const counting = (['all', 'best', 'latest'].includes(ctx.query.get('count') ?? '') ? ctx.query.get('count') : 'all') as Counting;
  const [course, exercises] = await Promise.all([getCourse(ctx), get<ExerciseSummary[]>(`/courses/${enc(slug)}/exercises`, { signal: ctx.signal })]);
  const body = h('div', null, loading('Reading graded submissions…'));
  const choice = h(
    'fieldset',
    { class: 'filters choice' },
    h('legend', null, 'Count'),
    (
      [
        ['all', 'every graded submission'],
        ['best', "each student's best"],
        ['latest', "each student's latest"],
      ] as const
    ).map(([value, label]) =>
      h(
        'label',
        { class: 'radio' },
        h('input', {
          type: 'radio',
          name: 'count',
          value,
          checked: value === counting,
          onChange: () => navigate(`/teach/${slug}/scores`, { count: value === 'all' ? null : value }),
        }),
        ` ${label}`,
      ),
    ),
  );
  shell(ctx, course, 'scores', h('p', { class: 'muted' }, 'Computed in your browser from the course’s graded submissions.'), choice, body);

  const items: SubmissionSummary[] = [];
  let cursor: string | null = null;
  do {
    const page: SubmissionPage = await get(`/submissions${query({ course: slug, status: 'graded', limit: 200, cursor })}`, { signal: ctx.signal });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && items.length < MAX_LISTED);

  // Newest first: the first one seen per student is the latest.
  const chosen = new Map<string, SubmissionSummary>();
  const perExercise = new Map<string, SubmissionSummary[]>();
  for (const item of items) {
    if (item.score === null) continue;
    if (counting === 'all') {
      perExercise.set(item.exercise, [...(perExercise.get(item.exercise) ?? []), item]);
      continue;
    }
    const key = `${item.exercise} ${item.studentId}`;
    const kept = chosen.get(key);
    if (!kept || (counting === 'best' && item.score > (kept.score ?? -Infinity))) chosen.set(key, item);
  }
  for (const item of chosen.values()) perExercise.set(item.exercise, [...(perExercise.get(item.exercise) ?? []), item]);

  const sections = exercises.map((e) => {
    const list = perExercise.get(`${slug}/${e.slug}`) ?? [];
    const scores = list.map((i) => i.score as number);
    const headingId = uid('dist');
    if (!scores.length) return h('section', { class: 'panel distribution', 'aria-labelledby': headingId }, h('h2', { id: headingId }, e.title), empty('No graded submission yet.'));
    const { mean, median } = stats(scores);
    const full = scores.filter((v) => v >= e.maxScore).length;
    return h(
      'section',
      { class: 'panel distribution', 'aria-labelledby': headingId, 'data-exercise': e.slug },
      h('h2', { id: headingId }, e.title),
      h(
        'ul',
        { class: 'facts' },
        h(
          'li',
          null,
          h('strong', null, String(scores.length)),
          counting === 'all' ? ` graded submission${scores.length === 1 ? '' : 's'}` : ` student${scores.length === 1 ? '' : 's'}`,
        ),
        h('li', null, 'mean ', h('strong', null, score(mean, e.maxScore))),
        h('li', null, 'median ', h('strong', null, num(median))),
        h('li', null, 'full marks ', h('strong', null, `${full} (${num((full / scores.length) * 100, 0)}%)`)),
      ),
      fitToWidth((width) => histogramSvg(histogram(scores, e.maxScore), `Scores of ${e.title}`, width), 560),
    );
  });
  replace(
    body,
    items.length >= MAX_LISTED ? h('p', { class: 'notice' }, `Only the newest ${MAX_LISTED} graded submissions are counted.`) : null,
    exercises.length ? h('div', { class: 'distributions' }, sections) : empty('No exercise is published in this course yet.'),
  );
}

function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: filename, class: 'sr-only' });
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** #/teach/:course/gradebook?policy=best|latest */
export async function teachGradebookPage(ctx: RouteContext): Promise<void> {
  const slug = ctx.params.course;
  const policy = ctx.query.get('policy');
  const course = await getCourse(ctx);
  const body = h('div', null, loading('Building the gradebook…'));
  const message = h('div', { role: 'status' });
  const csvButton = (label: string, withFlags: boolean, tone: string) => {
    const csvPath = `/courses/${enc(slug)}/gradebook${query({ format: 'csv', policy, flags: withFlags ? 'true' : null })}`;
    const button: HTMLButtonElement = h(
      'button',
      {
        type: 'button',
        class: `button ${tone}`,
        onClick: async () => {
          button.disabled = true;
          replace(message, loading('Preparing the CSV…'));
          try {
            const { blob, filename } = await download(csvPath, 'text/csv');
            saveBlob(blob, filename ?? `${slug}-gradebook.csv`);
            replace(message, h('p', { class: 'notice' }, `Downloaded ${filename ?? `${slug}-gradebook.csv`}.`));
          } catch (error) {
            replace(message, errorBox(error, 'Could not download the gradebook'));
          } finally {
            button.disabled = false;
          }
        },
      },
      label,
    );
    return button;
  };
  const downloadButton = csvButton('Download CSV', false, 'primary');
  const flagsButton = csvButton('CSV with flag columns', true, 'secondary');
  shell(
    ctx,
    course,
    'gradebook',
    h(
      'div',
      { class: 'toolbar' },
      downloadButton,
      flagsButton,
      h(
        'div',
        { class: 'field inline' },
        h('label', { for: 'policy' }, 'Counting score'),
        h(
          'select',
          { id: 'policy', onChange: (e: Event) => navigate(`/teach/${slug}/gradebook`, { policy: (e.target as HTMLSelectElement).value || null }) },
          h('option', { value: '', selected: !policy }, `course default (${course.gradebookPolicy ?? 'best'})`),
          h('option', { value: 'best', selected: policy === 'best' }, 'best submission'),
          h('option', { value: 'latest', selected: policy === 'latest' }, 'latest submission'),
        ),
      ),
    ),
    message,
    body,
  );
  try {
    const book = await get<Gradebook>(`/courses/${enc(slug)}/gradebook${query({ format: 'json', policy })}`, { signal: ctx.signal });
    replace(
      body,
      h(
        'p',
        { class: 'muted' },
        `Policy: ${book.policy} · generated ${new Date(book.generatedAt).toLocaleString('en-GB')} · ${book.students.length} student${book.students.length === 1 ? '' : 's'}`,
      ),
      book.students.length
        ? table(
            'Gradebook',
            ['Student', ...book.exercises.map((e) => e.title), `Total (of ${num(book.maxTotal)})`],
            book.students.map((st) => [
              [st.displayName, st.externalId ? h('span', { class: 'muted small' }, ` ${st.externalId}`) : null],
              ...book.exercises.map((e) => {
                const cell = st.grades[e.slug];
                if (!cell) return h('span', { class: 'muted' }, '–');
                return [
                  h('a', { href: `#/s/${enc(cell.submissionId)}`, title: `submission ${shortId(cell.submissionId)}` }, score(cell.score, cell.maxScore)),
                  cell.flagSeverity ? [' ', severityBadge(cell.flagSeverity, 'Flagged: ')] : null,
                  cell.late
                    ? [
                        ' ',
                        h(
                          'span',
                          {
                            class: 'tag',
                            title: `submitted ${cell.daysLate} day(s) after the due date; ${num(cell.penaltyPercent ?? 0)} % off ${num(cell.rawScore ?? cell.score)}`,
                          },
                          `late ${cell.daysLate} d`,
                        ),
                      ]
                    : null,
                ];
              }),
              h('strong', null, num(st.total)),
            ]),
            { hideCaption: true, className: 'gradebook' },
          )
        : empty('No student is enrolled in this course.'),
    );
  } catch (error) {
    if (ctx.signal.aborted) return;
    replace(
      body,
      error instanceof ApiError && error.status === 404
        ? h('div', { class: 'empty' }, h('p', null, 'The gradebook is not available on this server yet.'), h('p', { class: 'muted small' }, (error as ApiError).message))
        : errorBox(error, 'Could not build the gradebook'),
    );
  }
}
