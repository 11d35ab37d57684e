import { LtiPlatformError } from './lti-errors';

const TIMEOUT_MS = 10_000;

/** fetch with a timeout and a JSON answer, for calls to a platform; anything else is an LtiPlatformError naming what failed. */
export async function platformRequest<T>(
  what: string,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; ignoreBody?: boolean } = {},
): Promise<{ status: number; body: T; headers: Headers }> {
  let response: Response;
  try {
    response = await fetch(url, { method: init.method, headers: init.headers, body: init.body, redirect: 'error', signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    throw new LtiPlatformError(`${what}: ${url} did not answer (${(error as Error).message})`);
  }
  const text = await response.text();
  if (!response.ok) throw new LtiPlatformError(`${what}: ${url} answered ${response.status} ${text.slice(0, 300)}`);
  // A 2xx is all that counts for some calls (a score post): whatever the body says, it was accepted.
  if (init.ignoreBody) return { status: response.status, body: {} as T, headers: response.headers };
  let body: T;
  try {
    body = (text ? JSON.parse(text) : {}) as T;
  } catch {
    throw new LtiPlatformError(`${what}: ${url} answered something that is not JSON`);
  }
  return { status: response.status, body, headers: response.headers };
}

/** An absolute http(s) URL, or null. */
export function httpUrl(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : null;
  } catch {
    return null;
  }
}
