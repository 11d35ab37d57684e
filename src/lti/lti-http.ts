import { outboundRequest, type OutboundPolicy, type OutboundResponse } from '../common/http/outbound-url';
import { LtiPlatformError } from './lti-errors';

const TIMEOUT_MS = 10_000;
const MAX_BODY_BYTES = 8 * 1024 * 1024;

/**
 * One request to a platform, through the outbound policy (src/common/http/outbound-url.ts): the URL
 * must resolve to an address memgrade may reach (no loopback, private, metadata… unless
 * allow-listed) and the connection goes to the address that was checked; redirects are refused.
 * A JSON answer, or an LtiPlatformError naming what failed.
 */
export async function platformRequest<T>(
  policy: OutboundPolicy,
  what: string,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; ignoreBody?: boolean } = {},
): Promise<{ status: number; body: T; headers: Headers }> {
  let response: OutboundResponse;
  try {
    response = await outboundRequest(policy, url, { method: init.method, headers: init.headers, body: init.body, timeoutMs: TIMEOUT_MS, maxBodyBytes: MAX_BODY_BYTES });
  } catch (error) {
    throw new LtiPlatformError(`${what}: ${url} did not answer (${(error as Error).message})`);
  }
  const text = response.body.toString('utf8');
  if (response.status < 200 || response.status > 299) throw new LtiPlatformError(`${what}: ${url} answered ${response.status} ${text.slice(0, 300)}`);
  const headers = new Headers();
  for (const [name, value] of Object.entries(response.headers)) {
    for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, String(one));
  }
  // A 2xx is all that counts for some calls (a score post): whatever the body says, it was accepted.
  if (init.ignoreBody) return { status: response.status, body: {} as T, headers };
  let body: T;
  try {
    body = (text ? JSON.parse(text) : {}) as T;
  } catch {
    throw new LtiPlatformError(`${what}: ${url} answered something that is not JSON`);
  }
  return { status: response.status, body, headers };
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
