// The platform's API, called with the signed-in key as Bearer token (same origin).
import { getKey } from './auth';
import { FINAL_STATUSES, type FieldProblem, type SubmissionView } from './types';

/** An error answer of the API ({ statusCode, error, message, fields?, requestId }) or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code = '',
    readonly fields: FieldProblem[] = [],
    readonly requestId = '',
  ) {
    super(message);
  }
}

let onUnauthenticated: (message: string) => void = () => {};
/** Called when the API answers 401: the key is unknown or was revoked. */
export function whenUnauthenticated(handler: (message: string) => void): void {
  onUnauthenticated = handler;
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const key = getKey();
  return { ...(key ? { Authorization: `Bearer ${key}` } : {}), ...extra };
}

async function toApiError(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // not JSON (a proxy's page, an empty body): described by the status alone
  }
  const b = (body ?? {}) as { message?: unknown; error?: unknown; fields?: unknown; requestId?: unknown };
  const message = typeof b.message === 'string' && b.message ? b.message : `The server answered ${response.status} ${response.statusText}`.trim();
  const fields = Array.isArray(b.fields) ? b.fields.filter((f): f is FieldProblem => !!f && typeof f.field === 'string' && typeof f.reason === 'string') : [];
  return new ApiError(response.status, message, typeof b.error === 'string' ? b.error : '', fields, typeof b.requestId === 'string' ? b.requestId : '');
}

async function send(path: string, init: RequestInit & { accept?: string; quietAuth?: boolean }): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers: headers({ Accept: init.accept ?? 'application/json', ...(init.headers as Record<string, string>) }), cache: 'no-store' });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiError(0, 'Could not reach the memgrade server. Check your connection and try again.');
  }
  if (!response.ok) {
    const error = await toApiError(response);
    if (response.status === 401 && !init.quietAuth) onUnauthenticated(error.message);
    throw error;
  }
  return response;
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** Do not sign out on 401 (the sign-in form checks a key this way). */
  quietAuth?: boolean;
  headers?: Record<string, string>;
}

/** GET a JSON resource under /api/v1. */
export async function get<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(`/api/v1${path}`, { method: 'GET', signal: options.signal, quietAuth: options.quietAuth, headers: options.headers });
  return (await response.json()) as T;
}

/** POST JSON (or nothing) to /api/v1 and read the JSON answer. */
export async function post<T>(path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  const response = await send(`/api/v1${path}`, {
    method: 'POST',
    signal: options.signal,
    headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...options.headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return (text ? JSON.parse(text) : null) as T;
}

/** PATCH JSON to /api/v1 and read the JSON answer. */
export async function patch<T>(path: string, body: unknown): Promise<T> {
  const response = await send(`/api/v1${path}`, { method: 'PATCH', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return (await response.json()) as T;
}

/** PUT JSON to /api/v1 and read the JSON answer. */
export async function put<T>(path: string, body: unknown, options: RequestOptions = {}): Promise<T> {
  const response = await send(`/api/v1${path}`, {
    method: 'PUT',
    signal: options.signal,
    headers: { 'Content-Type': 'application/json', ...options.headers },
    body: JSON.stringify(body),
  });
  return (await response.json()) as T;
}

/** DELETE under /api/v1 (the answer, 204, has no body). */
export async function del(path: string, options: RequestOptions = {}): Promise<void> {
  await send(`/api/v1${path}`, { method: 'DELETE', signal: options.signal, headers: options.headers });
}

/** POST a multipart form (e.g. an exercise archive) to /api/v1 and read the JSON answer. */
export async function postForm<T>(path: string, form: FormData, options: RequestOptions = {}): Promise<T> {
  const response = await send(`/api/v1${path}`, { method: 'POST', signal: options.signal, headers: options.headers, body: form });
  const text = await response.text();
  return (text ? JSON.parse(text) : null) as T;
}

/** GET a file (e.g. the gradebook CSV) with the key, as a Blob and the name the server suggests. */
export async function download(path: string, accept: string): Promise<{ blob: Blob; filename: string | null }> {
  const response = await send(`/api/v1${path}`, { method: 'GET', accept });
  const disposition = response.headers.get('Content-Disposition') ?? '';
  const filename = /filename="?([^";]+)"?/i.exec(disposition)?.[1] ?? null;
  return { blob: await response.blob(), filename };
}

/** Builds a query string from the set values. */
export function query(params: Record<string, string | number | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== null && value !== undefined && value !== '') search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

/**
 * Follows a submission until it is graded or ends in error, calling onView with each new view.
 * Reads the Server-Sent Events stream with fetch (EventSource cannot send the Authorization
 * header); when streaming fails or ends early, polls instead. Resolves with the final view.
 */
export async function watchSubmission(id: string, onView: (view: SubmissionView) => void, signal: AbortSignal): Promise<SubmissionView> {
  let last: SubmissionView | null = null;
  const seen = (view: SubmissionView) => {
    last = view;
    onView(view);
  };
  try {
    await streamStatus(id, seen, signal);
  } catch (error) {
    if (signal.aborted) throw error;
    if (error instanceof ApiError && (error.status === 401 || error.status === 403 || error.status === 404)) throw error;
    // otherwise: fall back to polling below
  }
  let delay = 800;
  while (!last || !FINAL_STATUSES.has((last as SubmissionView).status)) {
    if (last) await sleep(delay, signal);
    delay = Math.min(delay * 1.5, 4000);
    const view = await get<SubmissionView>(`/submissions/${encodeURIComponent(id)}`, { signal });
    const previous = last as SubmissionView | null;
    if (!previous || previous.status !== view.status || FINAL_STATUSES.has(view.status)) seen(view);
  }
  return last as SubmissionView;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(new DOMException('aborted', 'AbortError'));
      },
      { once: true },
    );
  });
}

/** Reads `status` events until a final one or the end of the stream. */
async function streamStatus(id: string, onView: (view: SubmissionView) => void, signal: AbortSignal): Promise<void> {
  const response = await send(`/api/v1/submissions/${encodeURIComponent(id)}/events`, { method: 'GET', accept: 'text/event-stream', signal });
  if (!response.body) throw new Error('no stream');
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value.replace(/\r\n?/g, '\n');
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const event = parseEvent(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        if (event && (event.type === 'status' || event.type === 'message')) {
          const view = JSON.parse(event.data) as SubmissionView;
          onView(view);
          if (FINAL_STATUSES.has(view.status)) return;
        }
      }
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

/** One SSE event block → its type and data (null for comments and empty blocks). */
export function parseEvent(block: string): { type: string; data: string } | null {
  let type = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (!line || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') type = value;
    else if (field === 'data') data.push(value);
  }
  return data.length ? { type, data: data.join('\n') } : null;
}
