// A version's regrade on the instructor's exercise page: the button that grades every finished
// submission of the version again, and the progress of its latest regrade (polled while it runs).
// Scores do not disappear meanwhile: each submission keeps its result until its new one is stored.
import { get, post } from '../api';
import { h, replace } from '../dom';
import { time } from '../format';
import { enc } from '../router';
import { errorBox } from '../ui';
import type { Regrade } from '../types';

const POLL_MS = 1500;

function progressView(regrade: Regrade): HTMLElement {
  const finished = regrade.regraded + regrade.failed;
  return h(
    'div',
    { class: 'regrade-progress', 'data-regrade': regrade.id, 'data-done': String(regrade.done) },
    h(
      'p',
      null,
      regrade.done ? 'Last regrade, started ' : 'Regrade in progress, started ',
      time(regrade.createdAt),
      regrade.done && regrade.finishedAt ? [', finished ', time(regrade.finishedAt)] : null,
    ),
    regrade.total ? h('progress', { max: regrade.total, value: finished, 'aria-label': `Regrade progress: ${finished} of ${regrade.total} done` }) : null,
    h(
      'p',
      { class: 'regrade-counts', 'data-testid': 'regrade-counts' },
      `${regrade.regraded} of ${regrade.total} regraded`,
      regrade.failed ? h('span', { class: 'bad-text' }, `, ${regrade.failed} failed (their earlier result stands)`) : null,
      regrade.pending ? `, ${regrade.pending} waiting — each keeps its current score until its new one is stored` : null,
      '.',
    ),
  );
}

/** The regrade controls of one version; `signal` stops the polling when the page is left. */
export function regradePanel(course: string, exercise: string, version: number, signal: AbortSignal): HTMLElement {
  const base = `/courses/${enc(course)}/exercises/${enc(exercise)}/versions/${version}`;
  const progress = h('div', { role: 'status', 'aria-live': 'polite' });
  let timer: ReturnType<typeof setTimeout> | undefined;
  signal.addEventListener('abort', () => clearTimeout(timer));

  const show = async (regrade: Regrade | undefined) => {
    replace(progress, regrade ? progressView(regrade) : null);
    if (regrade && !regrade.done && !signal.aborted) {
      timer = setTimeout(() => {
        get<Regrade>(`${base}/regrades/${enc(regrade.id)}`, { signal }).then(show, (error: unknown) => {
          if (!signal.aborted) replace(progress, errorBox(error, 'Could not read the regrade’s progress'));
        });
      }, POLL_MS);
    }
  };

  const button: HTMLButtonElement = h(
    'button',
    {
      type: 'button',
      class: 'button secondary',
      'data-testid': `regrade-version-${version}`,
      onClick: async () => {
        if (!window.confirm(`Grade every finished submission of version ${version} again? Their current scores stay until each new result is stored.`)) return;
        button.disabled = true;
        clearTimeout(timer);
        try {
          await show(await post<Regrade>(`${base}/regrade`, undefined, { signal }));
        } catch (error) {
          if (!signal.aborted) replace(progress, errorBox(error, 'Could not start the regrade'));
        } finally {
          button.disabled = false;
        }
      },
    },
    `Regrade version ${version}`,
  );

  void get<Regrade[]>(`${base}/regrades`, { signal }).then(
    (list) => show(list[0]),
    () => undefined, // no history to show; the button still works
  );
  return h(
    'div',
    { class: 'regrade' },
    h('h3', null, 'Regrade'),
    h('p', { class: 'muted small' }, 'Grades every finished submission of this version again, against this version.'),
    button,
    progress,
  );
}
