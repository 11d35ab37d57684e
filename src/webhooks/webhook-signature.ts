import { createHmac, timingSafeEqual } from 'node:crypto';

/** Headers every webhook request carries (HTTP header names are case-insensitive). */
export const WEBHOOK_HEADERS = {
  event: 'Memgrade-Event',
  delivery: 'Memgrade-Delivery',
  timestamp: 'Memgrade-Timestamp',
  signature: 'Memgrade-Signature',
} as const;

/** The signature scheme: `v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`. */
export const SIGNATURE_VERSION = 'v1';

/** How old a timestamp a receiver should accept by default (replay protection). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** The hex HMAC-SHA256 of "<timestamp>.<body>" with the endpoint's secret. */
export function signWebhook(secret: string, timestamp: number | string, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`, 'utf8').update(body).digest('hex');
}

/** The value of the Memgrade-Signature header: "v1=<hex>". */
export function signatureHeader(secret: string, timestamp: number | string, body: string | Buffer): string {
  return `${SIGNATURE_VERSION}=${signWebhook(secret, timestamp, body)}`;
}

type HeaderBag = Record<string, string | string[] | undefined> | { get(name: string): string | null };

function header(headers: HeaderBag, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    if (key.toLowerCase() === wanted) return Array.isArray(value) ? value.join(',') : value;
  }
  return undefined;
}

/**
 * What a receiver does with a request: true when `Memgrade-Signature` holds a v1 signature of
 * "<Memgrade-Timestamp>.<body>" made with `secret`, and the timestamp is within `toleranceSeconds`
 * of now (either way), so a captured request cannot be replayed later. `body` must be the raw bytes
 * as received, not re-serialised JSON. Several comma-separated signatures are accepted (any may match).
 */
export function verifyWebhookSignature(
  secret: string,
  headers: HeaderBag,
  body: string | Buffer,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
  nowSeconds = Math.floor(Date.now() / 1000),
): boolean {
  const timestamp = header(headers, WEBHOOK_HEADERS.timestamp)?.trim();
  const signatures = header(headers, WEBHOOK_HEADERS.signature);
  if (!timestamp || !/^\d{1,12}$/.test(timestamp) || !signatures) return false;
  if (Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body), 'hex');
  return signatures.split(',').some((part) => {
    const [version, value] = part.trim().split('=', 2);
    if (version !== SIGNATURE_VERSION || !value || !/^[0-9a-f]{64}$/i.test(value)) return false;
    return timingSafeEqual(expected, Buffer.from(value, 'hex'));
  });
}
