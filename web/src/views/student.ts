// The student's pages: courses, a course's exercises, an exercise with the editor and live results.
import { ApiError, get, post } from '../api';
import { h, replace } from '../dom';
import { draftKey, loadDraft, saveDraft } from '../drafts';
import { createEditor, type CodeEditor } from '../editor';
import { mib, num } from '../format';
import { renderMarkdown } from '../markdown';
import { enc, type RouteContext } from '../router';
import { breadcrumbs, empty, errorBox, pageTitle, table } from '../ui';
import type { Course, CreatedSubmission, ExerciseDetail, ExerciseSummary } from '../types';
import { deadlineStanding } from './deadline-standing';
import { followSubmission, historySection, isCourseStaff, isStaff } from './submission';
import { tryRunPanel } from './try-run';

/** #/ */
export async function homePage(ctx: RouteContext): Promise<void> {
  const courses = await get<Course[]>('/courses', { signal: ctx.signal });
  const staff = isStaff(ctx.me.role);
  replace(
    ctx.main,
    pageTitle('Your courses', h('p', { class: 'subtitle' }, `Signed in as ${ctx.me.displayName} (${ctx.me.role}).`)),
    courses.length
      ? h(
          'ul',
          { class: 'cards' },
          courses.map((c) =>
            h(
              'li',
              { class: 'card' },
              h('h2', null, h('a', { href: staff || teaches(c) ? `#/teach/${enc(c.slug)}` : `#/c/${enc(c.slug)}` }, c.title)),
              h('p', { class: 'muted' }, h('code', null, c.slug)),
              h(
                'p',
                { class: 'card-links' },
                h('a', { class: 'button secondary', href: `#/c/${enc(c.slug)}` }, 'Exercises'),
                staff || teaches(c) ? h('a', { class: 'button secondary', href: `#/teach/${enc(c.slug)}` }, 'Instructor view') : null,
              ),
            ),
          ),
        )
      : empty(
          staff ? 'You do not teach or take any course yet.' : 'You are not enrolled in any course yet. Ask your instructor to enrol you, or open the link your course gave you.',
        ),
  );
}

/** Course staff by their role in this course (a TA is a student-level user). */
const teaches = (course: Course) => isCourseStaff(course.yourRole);

/** #/c/:course */
export async function coursePage(ctx: RouteContext): Promise<void> {
  const slug = ctx.params.course;
  const [course, exercises] = await Promise.all([
    get<Course>(`/courses/${enc(slug)}`, { signal: ctx.signal }),
    get<ExerciseSummary[]>(`/courses/${enc(slug)}/exercises`, { signal: ctx.signal }),
  ]);
  const history = historySection('Your submissions in this course', slug, null, ctx.signal, new Map(exercises.map((e) => [e.slug, e.title])));
  replace(
    ctx.main,
    breadcrumbs(['Courses', '#/'], [course.title, null]),
    pageTitle(
      course.title,
      isStaff(ctx.me.role) || teaches(course) ? h('p', { class: 'subtitle' }, h('a', { href: `#/teach/${enc(slug)}` }, 'Instructor view of this course')) : null,
    ),
    h(
      'section',
      { 'aria-labelledby': 'exercises-title' },
      h('h2', { id: 'exercises-title' }, 'Exercises'),
      exercises.length
        ? table(
            'Exercises',
            ['Exercise', 'Points', 'Memory limit', 'Time limit'],
            exercises.map((e) => [h('a', { href: `#/c/${enc(slug)}/e/${enc(e.slug)}` }, e.title), num(e.maxScore), mib(e.limits.memoryMiB), `${num(e.limits.timeSeconds)} s`]),
            { hideCaption: true },
          )
        : empty('No exercise is published in this course yet.'),
    ),
    history.element,
  );
}

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

const MAX_UPLOAD_BYTES = 512 * 1024;

/** #/c/:course/e/:exercise */
export async function exercisePage(ctx: RouteContext): Promise<void> {
  const { course: courseSlug, exercise: exerciseSlug } = ctx.params;
  const reference = `${courseSlug}/${exerciseSlug}`;
  const [course, exercise] = await Promise.all([
    get<Course>(`/courses/${enc(courseSlug)}`, { signal: ctx.signal }),
    get<ExerciseDetail>(`/courses/${enc(courseSlug)}/exercises/${enc(exerciseSlug)}`, { signal: ctx.signal }),
  ]);

  // One editor per student file; drafts are kept in this browser until submitted or reset.
  const files = exercise.studentFiles.length ? exercise.studentFiles : ['solution.py'];
  const editors = new Map<string, CodeEditor>();
  const timers = new Map<string, number>();
  for (const file of files) {
    const key = draftKey(ctx.me.id, reference, file);
    const starter = exercise.starter[file] ?? '';
    const editor = createEditor(loadDraft(key) ?? starter, `Code of ${file}`, (text) => {
      window.clearTimeout(timers.get(file));
      timers.set(
        file,
        window.setTimeout(() => saveDraft(key, text === starter ? null : text), 300),
      );
    });
    editor.element.dataset.file = file;
    editors.set(file, editor);
  }
  let active = files[0];

  const tabs =
    files.length > 1
      ? h(
          'div',
          { class: 'file-tabs', role: 'tablist', 'aria-label': 'Files' },
          files.map((file, i) =>
            h(
              'button',
              {
                type: 'button',
                role: 'tab',
                id: `tab-${i}`,
                'aria-selected': file === active ? 'true' : 'false',
                'aria-controls': `panel-${i}`,
                tabindex: file === active ? '0' : '-1',
                onClick: () => select(file),
                onKeydown: (event: KeyboardEvent) => {
                  const delta = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
                  if (!delta) return;
                  const next = files[(files.indexOf(active) + delta + files.length) % files.length];
                  select(next);
                  (tabs?.querySelector(`[aria-selected="true"]`) as HTMLElement | null)?.focus();
                },
              },
              file,
            ),
          ),
        )
      : null;
  const panels = files.map((file, i) =>
    h(
      'div',
      { class: 'file-panel', id: `panel-${i}`, role: files.length > 1 ? 'tabpanel' : null, 'aria-labelledby': files.length > 1 ? `tab-${i}` : null, hidden: file !== active },
      editors.get(file)!.element,
    ),
  );
  function select(file: string): void {
    active = file;
    files.forEach((f, i) => {
      panels[i].hidden = f !== file;
      const tab = tabs?.children[i] as HTMLElement | undefined;
      tab?.setAttribute('aria-selected', f === file ? 'true' : 'false');
      tab?.setAttribute('tabindex', f === file ? '0' : '-1');
    });
  }

  const status = h('p', { class: 'sr-only', role: 'status', 'aria-live': 'polite' });
  const formMessage = h('div', { class: 'form-message' });
  const result = h('div', { class: 'result', id: 'result' });
  const history = historySection('Your submissions for this exercise', courseSlug, exerciseSlug, ctx.signal);
  const deadline = deadlineStanding(courseSlug, exerciseSlug, isStaff(ctx.me.role), ctx.signal);

  const upload = h('input', { type: 'file', id: 'upload', class: 'sr-only', accept: '.py,text/x-python,text/plain', tabindex: '-1', 'aria-hidden': 'true' });
  upload.addEventListener('change', async () => {
    const file = upload.files?.[0];
    upload.value = '';
    if (!file) return;
    if (file.size > MAX_UPLOAD_BYTES) {
      replace(formMessage, errorBox(new ApiError(413, `${file.name} is ${num(file.size / 1024, 0)} KiB; a file may be at most ${MAX_UPLOAD_BYTES / 1024} KiB.`), 'File too large'));
      return;
    }
    const target = files.includes(file.name) ? file.name : active;
    select(target);
    editors.get(target)!.setText(await file.text());
    replace(formMessage, h('p', { class: 'notice' }, `Loaded ${file.name} into ${target}. Review it, then submit.`));
  });

  const submitButton = h('button', { type: 'submit', class: 'button primary' }, 'Submit');
  const tryRun = tryRunPanel(reference, () => Object.fromEntries(files.map((f) => [f, editors.get(f)!.getText()])), ctx.signal);
  const form = h(
    'form',
    {
      class: 'work-form',
      onSubmit: async (event: SubmitEvent) => {
        event.preventDefault();
        submitButton.disabled = true;
        replace(formMessage);
        try {
          const body = { exercise: reference, files: Object.fromEntries(files.map((f) => [f, editors.get(f)!.getText()])) };
          const created = await post<CreatedSubmission>('/submissions', body, { headers: { 'Idempotency-Key': `web-${randomId()}` } });
          status.textContent = 'Submitted. Queued for grading.';
          void history.reload();
          void deadline.reload();
          const final = await followSubmission(result, created.id, isStaff(ctx.me.role), ctx.signal, (t) => (status.textContent = t));
          if (final) void history.reload();
        } catch (error) {
          if (!ctx.signal.aborted) replace(formMessage, errorBox(error, 'Your submission was not accepted'));
        } finally {
          submitButton.disabled = false;
        }
      },
    },
    h(
      'div',
      { class: 'editor-head' },
      files.length === 1 ? h('span', { class: 'file-name' }, files[0]) : tabs,
      h('span', { class: 'muted small' }, 'Tab indents · Esc then Tab leaves the editor'),
    ),
    panels,
    h(
      'div',
      { class: 'actions' },
      submitButton,
      tryRun.button,
      h('button', { type: 'button', class: 'button secondary', onClick: () => upload.click() }, 'Load a file…'),
      h(
        'button',
        {
          type: 'button',
          class: 'button quiet',
          onClick: () => {
            if (!window.confirm(`Replace ${active} with the starter code? Your changes to it are lost.`)) return;
            editors.get(active)!.setText(exercise.starter[active] ?? '');
          },
        },
        'Reset to starter',
      ),
      upload,
    ),
    formMessage,
    tryRun.element,
  );

  replace(
    ctx.main,
    breadcrumbs(['Courses', '#/'], [course.title, `#/c/${enc(courseSlug)}`], [exercise.title, null]),
    pageTitle(
      exercise.title,
      h(
        'ul',
        { class: 'facts' },
        h('li', null, h('strong', null, num(exercise.maxScore)), ' points'),
        h('li', null, 'memory limit ', h('strong', null, mib(exercise.limits.memoryMiB))),
        h('li', null, 'time limit ', h('strong', null, `${num(exercise.limits.timeSeconds)} s`)),
        h('li', null, `version ${exercise.version.number}`),
      ),
      deadline.element,
    ),
    h(
      'div',
      { class: 'exercise-grid' },
      h(
        'section',
        { class: 'panel statement', 'aria-labelledby': 'statement-title' },
        h('h2', { id: 'statement-title' }, 'Statement'),
        exercise.statement.trim() ? renderMarkdown(exercise.statement) : empty('This exercise has no statement.'),
        h('h3', null, 'Tests'),
        exercise.tests.length
          ? h(
              'ul',
              { class: 'test-plan' },
              exercise.tests.map((t) =>
                h(
                  'li',
                  null,
                  h('span', null, t.name),
                  h('span', { class: 'muted' }, ` ${num(t.points)} pt${t.points === 1 ? '' : 's'}`),
                  t.hidden ? h('span', { class: 'tag', title: 'You will see only whether it passed' }, 'hidden') : null,
                ),
              ),
            )
          : empty('No tests are listed.'),
      ),
      h(
        'section',
        { class: 'panel work', 'aria-labelledby': 'work-title' },
        h('h2', { id: 'work-title' }, 'Your solution'),
        form,
        status,
        h('h3', { class: 'result-title' }, 'Result'),
        result,
      ),
    ),
    history.element,
  );
  replace(result, h('p', { class: 'muted' }, 'Submit to see your result here.'));
  const restored = ctx.query.get('restored');
  if (restored) replace(formMessage, h('p', { class: 'notice' }, `Restored the code of submission ${restored.slice(0, 8)} into the editor. Review it, then submit.`));
}
