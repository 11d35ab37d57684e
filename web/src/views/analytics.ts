// The instructor's per-test analytics of one exercise version: pass rate per test, the most common
// failing message, the score histogram and its trend per day. Bars are decoration: every figure is
// also in a table cell as text, so a screen reader reads the numbers, not the pictures.
import { get, query } from '../api';
import { h, replace, s } from '../dom';
import { num } from '../format';
import { enc, navigate, type RouteContext } from '../router';
import { breadcrumbs, empty, pageTitle, table } from '../ui';
import type { Course, ExerciseAnalytics } from '../types';

const percent = (value: number | null) => (value === null ? '–' : `${num(value, 1)} %`);

/** A horizontal bar for a share from 0 to 1 (aria-hidden: the number beside it says it). */
function shareBar(share: number | null): HTMLElement {
  const width = Math.max(0, Math.min(1, share ?? 0)) * 100;
  return h('span', { class: 'share-bar', 'aria-hidden': 'true' }, h('span', { class: 'share-fill', style: `width: ${width.toFixed(1)}%` }));
}

/** The histogram as a small SVG of columns; the table below it carries the numbers. */
function histogramPlot(bins: ExerciseAnalytics['histogram']): SVGSVGElement {
  const most = Math.max(1, ...bins.map((b) => b.count));
  const width = 300;
  const height = 110;
  const column = width / bins.length;
  return s(
    'svg',
    { class: 'histogram', viewBox: `0 0 ${width} ${height + 16}`, role: 'img', 'aria-label': 'Score histogram; the numbers are in the table that follows' },
    bins.map((b, i) => {
      const barHeight = (b.count / most) * height;
      return [
        s('rect', { class: 'bar', x: i * column + 2, y: height - barHeight, width: column - 4, height: barHeight }),
        s('text', { class: 'bar-label', x: i * column + column / 2, y: height + 12, 'text-anchor': 'middle' }, String(b.fromPercent)),
      ];
    }),
  );
}

/** #/teach/:course/exercises/:exercise/analytics?basis=counting|all&version=n */
export async function teachAnalyticsPage(ctx: RouteContext): Promise<void> {
  const { course: slug, exercise } = ctx.params;
  const basis = ctx.query.get('basis') === 'all' ? 'all' : 'counting';
  const version = ctx.query.get('version');
  const [course, data] = await Promise.all([
    get<Course>(`/courses/${enc(slug)}`, { signal: ctx.signal }),
    get<ExerciseAnalytics>(`/courses/${enc(slug)}/exercises/${enc(exercise)}/analytics${query({ basis, version })}`, { signal: ctx.signal }),
  ]);

  const basisSelect = h(
    'select',
    {
      id: 'analytics-basis',
      onChange: (event: Event) => navigate(`/teach/${slug}/exercises/${exercise}/analytics`, { basis: (event.target as HTMLSelectElement).value, version }),
    },
    h('option', { value: 'counting', selected: basis === 'counting' }, "Each student's counting submission"),
    h('option', { value: 'all', selected: basis === 'all' }, 'Every graded submission'),
  );

  const testsTable = data.tests.length
    ? table(
        'Pass rate per test',
        ['Test', 'Passed', 'Pass rate', 'Most common failing message'],
        data.tests.map((t) => [
          h('span', null, t.name, t.hidden ? h('span', { class: 'tag' }, 'hidden') : null),
          `${t.passed} of ${t.runs}`,
          h('span', { class: 'share' }, shareBar(t.passRate), percent(t.passRate === null ? null : t.passRate * 100)),
          t.commonFailure
            ? h(
                'div',
                null,
                h('pre', { class: 'failure-message' }, t.commonFailure.example),
                h('span', { class: 'muted small' }, `${t.commonFailure.count} failing run${t.commonFailure.count === 1 ? '' : 's'} read like this (numbers aside)`),
              )
            : h('span', { class: 'muted' }, 'nobody failed it'),
        ]),
        { className: 'analytics-tests' },
      )
    : empty('No graded submission of this version yet.');

  const histogramTable = table(
    'Score distribution (share of the maximum score)',
    ['Score', 'Submissions'],
    data.histogram.map((b, i) => [`${b.fromPercent}–${b.toPercent} %${i === data.histogram.length - 1 ? ' (inclusive)' : ''}`, String(b.count)]),
    { className: 'analytics-histogram' },
  );

  const mostPerDay = Math.max(1, ...data.trend.map((d) => d.submissions));
  const trendTable = data.trend.length
    ? table(
        'Trend per day (UTC)',
        ['Day', 'Submissions', 'Mean score', 'Full marks'],
        data.trend.map((d) => [
          h('time', { datetime: d.day }, d.day),
          h('span', { class: 'share' }, shareBar(d.submissions / mostPerDay), String(d.submissions)),
          h('span', { class: 'share' }, shareBar(d.meanPercent / 100), percent(d.meanPercent)),
          String(d.fullMarks),
        ]),
        { className: 'analytics-trend' },
      )
    : empty('No submission yet.');

  replace(
    ctx.main,
    breadcrumbs(['Courses', '#/'], [course.title, `#/teach/${enc(slug)}`], [data.title, `#/teach/${enc(slug)}/exercises/${enc(exercise)}`], ['Analytics', null]),
    pageTitle(`Analytics: ${data.title}`, h('p', { class: 'subtitle' }, h('code', null, exercise), ` · version ${data.version.number}${data.version.current ? ' (current)' : ''}`)),
    h('div', { class: 'toolbar' }, h('label', { for: 'analytics-basis' }, 'Submissions counted '), basisSelect),
    h('p', { class: 'notice', id: 'analytics-basis-text' }, 'Counted: ', data.basisDescription, '.'),
    h(
      'ul',
      { class: 'facts', 'aria-label': 'Summary' },
      h('li', null, h('strong', null, String(data.submissions)), ` submission${data.submissions === 1 ? '' : 's'}`),
      h('li', null, h('strong', null, String(data.students)), ` student${data.students === 1 ? '' : 's'}`),
      h('li', null, 'mean score ', h('strong', null, percent(data.meanPercent))),
      h('li', null, h('strong', null, String(data.fullMarks)), ' with full marks'),
    ),
    h('section', { class: 'panel', 'aria-labelledby': 'tests-title' }, h('h2', { id: 'tests-title' }, 'Tests'), testsTable),
    h(
      'div',
      { class: 'analytics-grid' },
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'histogram-title' },
        h('h2', { id: 'histogram-title' }, 'Score distribution'),
        data.submissions ? histogramPlot(data.histogram) : null,
        histogramTable,
      ),
      h('section', { class: 'panel', 'aria-labelledby': 'trend-title' }, h('h2', { id: 'trend-title' }, 'Over time'), trendTable),
    ),
  );
}
