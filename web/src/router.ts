// Hash routes (#/c/<course>/e/<exercise> …): the server serves one page at "/", and nothing a route
// holds ever reaches the server.
import type { Me } from './types';

export interface RouteContext {
  params: Record<string, string>;
  query: URLSearchParams;
  /** Aborted when the user leaves the page: stop streams and timers. */
  signal: AbortSignal;
  me: Me;
  main: HTMLElement;
}

export type View = (ctx: RouteContext) => Promise<void> | void;

interface Route {
  pattern: RegExp;
  keys: string[];
  view: View;
}

const routes: Route[] = [];

/** Registers a route such as "/c/:course/e/:exercise". */
export function route(path: string, view: View): void {
  const keys: string[] = [];
  const pattern = new RegExp(
    `^${path.replace(/\//g, '\\/').replace(/:(\w+)/g, (_, key: string) => {
      keys.push(key);
      return '([^/]+)';
    })}\\/?$`,
  );
  routes.push({ pattern, keys, view });
}

export function currentPath(): { path: string; query: URLSearchParams } {
  const raw = window.location.hash.replace(/^#/, '') || '/';
  const [path, search = ''] = raw.split('?');
  return { path: path.startsWith('/') ? path : `/${path}`, query: new URLSearchParams(search) };
}

export function match(path: string): { view: View; params: Record<string, string> } | null {
  for (const r of routes) {
    const m = r.pattern.exec(path);
    if (m) {
      const params: Record<string, string> = {};
      r.keys.forEach((key, i) => {
        try {
          params[key] = decodeURIComponent(m[i + 1]);
        } catch {
          params[key] = m[i + 1];
        }
      });
      return { view: r.view, params };
    }
  }
  return null;
}

/** "#/c/x" for path "/c/x" and optional query. */
export function href(path: string, query?: Record<string, string | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v) search.set(k, v);
  const text = search.toString();
  return `#${path}${text ? `?${text}` : ''}`;
}

export const enc = encodeURIComponent;

export function navigate(path: string, query?: Record<string, string | null | undefined>): void {
  window.location.hash = href(path, query).slice(1);
}
