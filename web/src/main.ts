// memgrade's web pages: one page at "/", hash routes, the API called with the tab's key.
import { ApiError, get, whenUnauthenticated } from './api';
import { clearKey, getKey, takeKeyFromAddress } from './auth';
import { h, replace } from './dom';
import { currentPath, match, route, type RouteContext } from './router';
import type { Me } from './types';
import { empty, errorBox, keepScrollersFocusable, loading, pageTitle } from './ui';
import { ltiPlatformsPage } from './views/lti-platforms';
import { teachAnalyticsPage } from './views/analytics';
import { rosterPage } from './views/roster';
import { publishPage } from './views/publish';
import { signInPage } from './views/signin';
import { coursePage, exercisePage, homePage } from './views/student';
import { submissionPage } from './views/submission';
import { teachDeadlinesPage } from './views/teach-deadlines';
import { teachExercisePage, teachExercisesPage, teachGradebookPage, teachScoresPage, teachSubmissionsPage } from './views/teach';

route('/', homePage);
route('/c/:course', coursePage);
route('/c/:course/e/:exercise', exercisePage);
route('/s/:id', submissionPage);
route('/teach/:course', teachExercisesPage);
route('/teach/:course/exercises', teachExercisesPage);
route('/teach/:course/exercises/:exercise', teachExercisePage);
route('/teach/:course/exercises/:exercise/analytics', teachAnalyticsPage);
route('/teach/:course/submissions', teachSubmissionsPage);
route('/teach/:course/scores', teachScoresPage);
route('/teach/:course/gradebook', teachGradebookPage);
route('/lti/platforms', ltiPlatformsPage);
route('/teach/:course/roster', rosterPage);
route('/teach/:course/deadlines', teachDeadlinesPage);
route('/teach/:course/publish', publishPage);

const main = document.getElementById('main') as HTMLElement;
const topbar = document.getElementById('topbar') as HTMLElement;
let me: Me | null = null;
let current: AbortController | null = null;
let firstRender = true;

function renderTopbar(): void {
  replace(
    topbar,
    h('a', { class: 'brand', href: '#/' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }), 'memgrade'),
    me
      ? h(
          'nav',
          { class: 'topnav', 'aria-label': 'Account' },
          h('a', { href: '#/' }, 'Courses'),
          me.role === 'admin' || me.role === 'instructor' ? h('a', { href: '#/lti/platforms' }, 'LTI') : null,
          h('span', { class: 'who' }, me.displayName, h('span', { class: 'role' }, me.role)),
          h('button', { type: 'button', class: 'button quiet', onClick: () => signOut(null) }, 'Sign out'),
        )
      : null,
  );
}

function signOut(reason: string | null): void {
  current?.abort();
  clearKey();
  me = null;
  renderTopbar();
  signInPage(main, reason, (who) => {
    me = who;
    renderTopbar();
    void render();
  });
}

async function render(): Promise<void> {
  if (!me) return;
  current?.abort();
  const controller = new AbortController();
  current = controller;
  const { path, query } = currentPath();
  const found = match(path);
  // A filter changed on the same page: keep the focus on that control; otherwise on the new heading.
  const active = document.activeElement;
  const keep = active && active !== main && main.contains(active) && active.id ? active.id : 'page-title';
  replace(main, loading());
  main.setAttribute('aria-busy', 'true');
  try {
    if (!found) {
      replace(main, pageTitle('Page not found'), empty('There is no page at this address.', h('a', { href: '#/' }, 'Go to your courses')));
    } else {
      const ctx: RouteContext = { params: found.params, query, signal: controller.signal, me, main };
      const done = found.view(ctx);
      focusWhenReady(keep, controller.signal);
      await done;
    }
  } catch (error) {
    if (controller.signal.aborted || (error as Error).name === 'AbortError') return;
    if (error instanceof ApiError && error.status === 401) return; // signOut already shows the form
    replace(
      main,
      pageTitle(error instanceof ApiError && error.status === 404 ? 'Not found' : 'Could not load this page'),
      errorBox(error),
      h('p', null, h('a', { href: '#/' }, 'Back to your courses')),
    );
    focusWhenReady('page-title', controller.signal);
  } finally {
    if (current === controller) main.setAttribute('aria-busy', 'false');
  }
}

/**
 * Moves the focus to the element `id` (the page heading, or the control that changed the page)
 * as soon as the view has put it on the page, unless the user has already focused something in
 * it. Not on the first page of a visit: the browser's own start is fine there. A mutation
 * observer, not a timer: the focus moves in the same turn as the heading appears, however long the
 * page took to load, and the watch ends when the next page starts.
 */
function focusWhenReady(id: string, signal: AbortSignal): void {
  if (firstRender) {
    firstRender = false;
    return;
  }
  const focusTarget = (): boolean => {
    const target = document.getElementById(id) ?? (id !== 'page-title' ? document.getElementById('page-title') : null);
    if (!target) return false;
    const busyFocus = document.activeElement && document.activeElement !== main && main.contains(document.activeElement);
    if (!busyFocus) target.focus({ preventScroll: id !== 'page-title' });
    return true;
  };
  if (focusTarget()) return;
  const observer = new MutationObserver(() => {
    if (signal.aborted || focusTarget()) observer.disconnect();
  });
  observer.observe(main, { childList: true, subtree: true });
  signal.addEventListener('abort', () => observer.disconnect(), { once: true });
}

async function start(): Promise<void> {
  takeKeyFromAddress();
  keepScrollersFocusable(main);
  whenUnauthenticated((message) => signOut(`Your key is no longer accepted: ${message}. Sign in again.`));
  // The skip link would change the hash (our routes): move the focus instead.
  document.querySelector('.skip-link')?.addEventListener('click', (event) => {
    event.preventDefault();
    main.focus();
  });
  window.addEventListener('hashchange', () => {
    if (takeKeyFromAddress() !== null) {
      me = null;
      void boot();
      return;
    }
    void render();
  });
  await boot();
}

async function boot(): Promise<void> {
  if (!getKey()) return signOut(null);
  replace(main, loading('Signing in…'));
  try {
    me = await get<Me>('/users/me', { quietAuth: true });
  } catch (error) {
    // The server says why (unknown, revoked, an expired sign-in link …): show its words.
    if (error instanceof ApiError && error.status === 401) return signOut(`The key in this tab was not accepted: ${error.message}. Paste a valid key.`);
    replace(main, pageTitle('memgrade is not reachable'), errorBox(error), h('button', { type: 'button', class: 'button primary', onClick: () => void boot() }, 'Try again'));
    return;
  }
  renderTopbar();
  await render();
}

void start();
