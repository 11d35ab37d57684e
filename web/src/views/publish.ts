// Publishing from the browser: upload an exercise as a .zip or a folder, watch its validation in
// the sandbox step by step (measuring the reference, then reference, starter, wrong answer and the
// submissions that solve nothing), read the report, and make the version current.
import { ApiError, get, post, postForm } from '../api';
import { h, replace } from '../dom';
import { enc, type RouteContext } from '../router';
import { breadcrumbs, errorBox, loading, pageTitle } from '../ui';
import type { Course, ExerciseVersion, PublishedVersion } from '../types';
import { validationReport } from './teach';
import { stepsOf, stepsView } from './validation-steps';
import { makeCurrentButton } from './version-current';

const POLL_MS = 1000;
const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** The files of a folder chosen with <input webkitdirectory>: the top folder's name is the slug. */
async function readFolder(list: FileList): Promise<{ slug: string; files: Record<string, string> }> {
  const files: Record<string, string> = {};
  let top = '';
  for (const file of Array.from(list)) {
    const [first, ...rest] = file.webkitRelativePath.split('/');
    top ||= first;
    if (!rest.length || rest.some((part) => part.startsWith('.') || part === '__pycache__')) continue;
    files[rest.join('/')] = await file.text();
  }
  return { slug: top, files };
}

/** #/teach/:course/publish */
export async function publishPage(ctx: RouteContext): Promise<void> {
  const slug = ctx.params.course;
  const course = await get<Course>(`/courses/${enc(slug)}`, { signal: ctx.signal });
  const progress = h('section', { class: 'publish-progress', 'aria-labelledby': 'progress-title', 'aria-live': 'polite' });
  const archive = h('input', { type: 'file', id: 'archive', name: 'archive', accept: '.zip,application/zip' });
  const folder = h('input', { type: 'file', id: 'folder', name: 'folder', multiple: true });
  folder.setAttribute('webkitdirectory', '');
  const slugInput = h('input', { type: 'text', id: 'slug', name: 'slug', autocomplete: 'off', 'aria-describedby': 'slug-help' });
  const submit = h('button', { type: 'submit', class: 'button primary' }, 'Publish');

  const follow = async (published: PublishedVersion) => {
    const exercisePath = `/courses/${enc(slug)}/exercises/${enc(published.exercise)}`;
    const head = h(
      'p',
      null,
      `${published.exercise}: version ${published.version} `,
      published.created ? 'published' : 'was already published (same content)',
      ' · ',
      h('a', { href: `#/teach/${enc(slug)}/exercises/${enc(published.exercise)}` }, 'all its versions'),
    );
    const body = h('div', null, loading('Waiting for a worker to validate it…'));
    replace(progress, h('h2', { id: 'progress-title' }, 'Validation'), head, body);
    for (;;) {
      if (ctx.signal.aborted) return;
      let version: ExerciseVersion | undefined;
      try {
        version = (await get<ExerciseVersion[]>(`${exercisePath}/versions`, { signal: ctx.signal })).find((v) => v.number === published.version);
      } catch (error) {
        if (!ctx.signal.aborted) replace(body, errorBox(error, 'Could not read the validation'));
        return;
      }
      if (!version) return;
      const steps = stepsOf(version.validation);
      if (version.status === 'pending') {
        replace(body, h('p', { 'data-testid': 'validation-status' }, 'Validating in the sandbox…'), steps ? stepsView(steps) : loading('Waiting for a worker to validate it…'));
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        continue;
      }
      const shown = version;
      replace(
        body,
        h(
          'p',
          { 'data-testid': 'validation-status', 'data-status': version.status },
          h('span', { class: `badge validation-${version.status}` }, version.status),
          version.current ? ' · current: new submissions are graded against it' : null,
        ),
        validationReport(version.validation),
        makeCurrentButton(slug, published.exercise, shown, () => void follow({ ...published, created: false })),
      );
      return;
    }
  };

  const onSubmit = async (event: Event) => {
    event.preventDefault();
    const chosenSlug = slugInput.value.trim();
    if (chosenSlug && !SLUG.test(chosenSlug)) {
      replace(
        progress,
        errorBox(new ApiError(400, 'The slug must be lower-case letters, digits or "-".', 'bad_request', [{ field: 'slug', reason: 'must be lower-case letters, digits or "-"' }])),
      );
      slugInput.focus();
      return;
    }
    submit.disabled = true;
    replace(progress, loading('Uploading…'));
    try {
      let published: PublishedVersion;
      if (archive.files?.length) {
        const form = new FormData();
        form.append('archive', archive.files[0]);
        if (chosenSlug) form.append('slug', chosenSlug);
        published = await postForm<PublishedVersion>(`/courses/${enc(slug)}/exercises`, form, { signal: ctx.signal });
      } else if (folder.files?.length) {
        const read = await readFolder(folder.files);
        published = await post<PublishedVersion>(`/courses/${enc(slug)}/exercises`, { slug: chosenSlug || read.slug, files: read.files }, { signal: ctx.signal });
      } else {
        replace(progress, h('p', { class: 'error-box', role: 'alert' }, 'Choose a .zip of the exercise folder, or the folder itself.'));
        return;
      }
      await follow(published);
    } catch (error) {
      if (!ctx.signal.aborted) replace(progress, errorBox(error, 'The exercise was not published'));
    } finally {
      submit.disabled = false;
    }
  };

  replace(
    ctx.main,
    breadcrumbs(['Courses', '#/'], [course.title, `#/teach/${enc(slug)}`], ['Publish an exercise', null]),
    pageTitle('Publish an exercise', h('p', { class: 'subtitle' }, course.title)),
    h(
      'form',
      { class: 'panel publish-form', onSubmit },
      h(
        'p',
        { class: 'muted' },
        'An exercise folder holds exercise.yaml, statement.md, starter/, reference/, tests/ and optionally wrong/. Publishing checks its format, then grades its own solutions in the sandbox before students get it.',
      ),
      h('div', { class: 'field' }, h('label', { for: 'archive' }, 'Exercise archive (.zip)'), archive),
      h('div', { class: 'field' }, h('label', { for: 'folder' }, 'or the exercise folder'), folder),
      h(
        'div',
        { class: 'field' },
        h('label', { for: 'slug' }, 'Slug (optional)'),
        slugInput,
        h('p', { id: 'slug-help', class: 'muted small' }, 'Defaults to the name of the folder; publishing the same slug again adds a version.'),
      ),
      submit,
    ),
    progress,
  );
  document.title = `Publish · ${course.title} · memgrade`;
}
