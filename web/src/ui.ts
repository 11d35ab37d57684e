// Shared pieces of the pages: headings, loading / empty / error states, breadcrumbs, tables.
import { ApiError } from './api';
import { h, type Child } from './dom';

/** The page heading; focused after navigation so screen readers announce the new page. */
export function pageTitle(text: string, ...extra: Child[]): HTMLElement {
  document.title = `${text} · memgrade`;
  return h('div', { class: 'page-head' }, h('h1', { tabindex: '-1', id: 'page-title' }, text), ...extra);
}

export function breadcrumbs(...trail: [string, string | null][]): HTMLElement {
  return h(
    'nav',
    { class: 'breadcrumbs', 'aria-label': 'Breadcrumb' },
    h(
      'ol',
      null,
      trail.map(([label, href], i) =>
        h('li', null, href && i < trail.length - 1 ? h('a', { href }, label) : h('span', { 'aria-current': i === trail.length - 1 ? 'page' : null }, label)),
      ),
    ),
  );
}

export function loading(what = 'Loading…'): HTMLElement {
  return h('p', { class: 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), what);
}

export function empty(text: string, ...more: Child[]): HTMLElement {
  return h('div', { class: 'empty' }, h('p', null, text), ...more);
}

/** An error for people: the API's message and the fields it names; never a stack trace. */
export function errorBox(error: unknown, context?: string): HTMLElement {
  const api = error instanceof ApiError ? error : null;
  const message = api ? api.message : 'Something went wrong in this page. Reload it and try again.';
  return h(
    'div',
    { class: 'error-box', role: 'alert' },
    h('p', { class: 'error-title' }, context ?? (api?.status ? `Error ${api.status}` : 'Error')),
    h('p', null, message),
    api?.fields.length
      ? h(
          'ul',
          { class: 'fields' },
          api.fields.map((f) => h('li', null, h('code', null, f.field), ` ${f.reason}`)),
        )
      : null,
    api?.requestId ? h('p', { class: 'request-id' }, 'Request id: ', h('code', null, api.requestId)) : null,
  );
}

/** A table with a caption (visually hidden when `hideCaption`). */
export function table(caption: string, headers: string[], rows: Child[][], options: { hideCaption?: boolean; className?: string } = {}): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: `data ${options.className ?? ''}`.trim() },
      h('caption', { class: options.hideCaption ? 'sr-only' : null }, caption),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          headers.map((text) => h('th', { scope: 'col' }, text)),
        ),
      ),
      h(
        'tbody',
        null,
        rows.map((cells) =>
          h(
            'tr',
            null,
            cells.map((cell) => h('td', null, cell)),
          ),
        ),
      ),
    ),
  );
}

/** Renders any JSON value readably (validation reports, reference peaks): nested definition lists. */
export function jsonTree(value: unknown, depth = 0): Child {
  if (value === null || value === undefined) return h('span', { class: 'muted' }, '—');
  if (typeof value === 'boolean') return h('span', { class: value ? 'ok-text' : 'bad-text' }, value ? 'yes' : 'no');
  if (typeof value === 'number' || typeof value === 'string') return String(value);
  if (depth > 6) return h('code', null, JSON.stringify(value));
  if (Array.isArray(value)) {
    if (!value.length) return h('span', { class: 'muted' }, 'none');
    return h(
      'ul',
      { class: 'tree' },
      value.map((item) => h('li', null, jsonTree(item, depth + 1))),
    );
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (!entries.length) return h('span', { class: 'muted' }, 'none');
  return h(
    'dl',
    { class: 'tree' },
    entries.map(([k, v]) => [h('dt', null, k), h('dd', null, jsonTree(v, depth + 1))]),
  );
}

/** Boxes that may scroll sideways (code, output, wide tables, reports). */
const SCROLLERS = 'pre, .table-wrap, .report';

/**
 * Keeps every box under `root` that scrolls (code, output, a wide table on a phone) reachable by
 * keyboard: while it overflows it is a tab stop (arrow keys then scroll it), a table's box named
 * by its caption; once it fits again the tab stop goes. Watches changes and resizes, so views
 * need not do anything.
 */
export function keepScrollersFocusable(root: HTMLElement): void {
  let scheduled = false;
  const scan = () => {
    scheduled = false;
    for (const el of root.querySelectorAll<HTMLElement>(SCROLLERS)) {
      const scrolls = el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
      const ours = el.hasAttribute('data-scroll-stop');
      if (scrolls && !ours && !el.hasAttribute('tabindex')) {
        el.setAttribute('tabindex', '0');
        el.setAttribute('data-scroll-stop', '');
        if (el.matches('.table-wrap') && !el.hasAttribute('aria-label')) {
          el.setAttribute('role', 'region');
          el.setAttribute('aria-label', `${el.querySelector('caption')?.textContent?.trim() || 'Table'} (scrolls sideways)`);
        }
      } else if (!scrolls && ours) {
        el.removeAttribute('tabindex');
        el.removeAttribute('data-scroll-stop');
        if (el.matches('.table-wrap')) {
          el.removeAttribute('role');
          el.removeAttribute('aria-label');
        }
      }
    }
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(scan);
  };
  new MutationObserver(schedule).observe(root, { childList: true, subtree: true });
  window.addEventListener('resize', schedule);
  schedule();
}
