import { OutboundPolicy, OutboundUrlError, outboundRequest } from '../common/http/outbound-url';

/** What one HTTP attempt to a receiver came to. */
export interface WebhookAttemptResult {
  ok: boolean;
  /** The receiver's HTTP status, or null when there was no answer (refused, timed out, DNS, address policy). */
  statusCode: number | null;
  /** Why it is not a success, short enough for the delivery log; null on success. */
  error: string | null;
  /** True when the outbound address policy refused the URL (nothing was sent; retrying will not help). */
  refused?: boolean;
  durationMs: number;
}

const ERROR_SNIPPET_CHARS = 200;
const MAX_READ_BYTES = 4096;

/**
 * POSTs `body` to `url` once, through the outbound address policy (the address connected to is
 * the address checked). Only a 2xx answer within `timeoutMs` (headers and body) is a success.
 * Redirects are not followed (a signed request must not be replayed elsewhere); they count as failures.
 * Never throws: every outcome is a result the caller records.
 */
export async function postWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
  policy: OutboundPolicy = new OutboundPolicy(),
): Promise<WebhookAttemptResult> {
  const started = Date.now();
  const done = (ok: boolean, statusCode: number | null, error: string | null, refused = false): WebhookAttemptResult => ({
    ok,
    statusCode,
    error,
    ...(refused ? { refused } : {}),
    durationMs: Date.now() - started,
  });
  try {
    const response = await outboundRequest(policy, url, {
      method: 'POST',
      headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
      body,
      timeoutMs,
      maxBodyBytes: MAX_READ_BYTES,
    });
    if (response.status >= 200 && response.status < 300) return done(true, response.status, null);
    if (response.status >= 300 && response.status < 400) {
      return done(false, response.status, `HTTP ${response.status}: redirects are not followed; register the final URL`);
    }
    const snippet = response.body.toString('utf8').replace(/\s+/g, ' ').trim().slice(0, ERROR_SNIPPET_CHARS);
    return done(false, response.status, `HTTP ${response.status}${snippet ? `: ${snippet}` : ''}`);
  } catch (error) {
    if (error instanceof OutboundUrlError) return done(false, null, `refused: the URL ${error.reason}`.slice(0, 500), error.kind !== 'unresolvable');
    if ((error as Error).name === 'TimeoutError') return done(false, null, `no answer within ${timeoutMs} ms`);
    return done(false, null, describeError(error));
  }
}

function describeError(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  const text = message || String(error);
  return (code && !text.includes(code) ? `${code}: ${text}` : text).slice(0, 500);
}
