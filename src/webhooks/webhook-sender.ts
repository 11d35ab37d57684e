/** What one HTTP attempt to a receiver came to. */
export interface WebhookAttemptResult {
  ok: boolean;
  /** The receiver's HTTP status, or null when there was no answer (refused, timed out, DNS). */
  statusCode: number | null;
  /** Why it is not a success, short enough for the delivery log; null on success. */
  error: string | null;
  durationMs: number;
}

const ERROR_SNIPPET_CHARS = 200;
const MAX_READ_BYTES = 4096;

/**
 * POSTs `body` to `url` once. Only a 2xx answer within `timeoutMs` (headers and body) is a success.
 * Redirects are not followed (a signed request must not be replayed elsewhere); they count as failures.
 * Never throws: every outcome is a result the caller records.
 */
export async function postWebhook(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<WebhookAttemptResult> {
  const started = Date.now();
  const signal = AbortSignal.timeout(timeoutMs);
  const done = (ok: boolean, statusCode: number | null, error: string | null): WebhookAttemptResult => ({
    ok,
    statusCode,
    error,
    durationMs: Date.now() - started,
  });
  try {
    const response = await fetch(url, { method: 'POST', body, headers, redirect: 'manual', signal });
    if (response.status >= 200 && response.status < 300) {
      // The status is the answer; the receiver's body is not needed.
      await response.body?.cancel().catch(() => undefined);
      return done(true, response.status, null);
    }
    const text = await readSome(response, MAX_READ_BYTES).catch(() => '');
    if (response.status >= 300 && response.status < 400) {
      return done(false, response.status, `HTTP ${response.status}: redirects are not followed; register the final URL`);
    }
    const snippet = text.replace(/\s+/g, ' ').trim().slice(0, ERROR_SNIPPET_CHARS);
    return done(false, response.status, `HTTP ${response.status}${snippet ? `: ${snippet}` : ''}`);
  } catch (error) {
    if (signal.aborted) return done(false, null, `no answer within ${timeoutMs} ms`);
    return done(false, null, describeFetchError(error));
  }
}

/** Reads at most `limit` bytes of the body as text, then lets the rest go. */
async function readSome(response: Response, limit: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}

/** undici reports "fetch failed" and hides the reason in `cause`. */
function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const message = cause?.message || (error as Error).message || String(error);
  return (cause?.code && !message.includes(cause.code) ? `${cause.code}: ${message}` : message).slice(0, 500);
}
