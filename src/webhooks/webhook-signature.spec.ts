import { createHmac } from 'node:crypto';
import { signatureHeader, signWebhook, verifyWebhookSignature } from './webhook-signature';

describe('webhook signatures', () => {
  const secret = 'whsec_test-secret';
  const body = '{"id":"d1","event":"submission.graded","data":{"score":2}}';
  const now = 1_760_000_000;
  const headersFor = (signSecret: string, timestamp: number, signedBody: string) => ({
    'memgrade-timestamp': String(timestamp),
    'memgrade-signature': signatureHeader(signSecret, timestamp, signedBody),
  });

  it('is the hex HMAC-SHA256 of "<timestamp>.<body>"', () => {
    const expected = createHmac('sha256', secret).update(`${now}.${body}`).digest('hex');
    expect(signWebhook(secret, now, body)).toBe(expected);
    expect(signWebhook(secret, String(now), Buffer.from(body))).toBe(expected);
    expect(signatureHeader(secret, now, body)).toBe(`v1=${expected}`);
  });

  it('verifies a genuine request (raw body as string or Buffer, any header case, a Headers object)', () => {
    const headers = headersFor(secret, now, body);
    expect(verifyWebhookSignature(secret, headers, body, 300, now)).toBe(true);
    expect(verifyWebhookSignature(secret, headers, Buffer.from(body), 300, now + 299)).toBe(true);
    const upper = { 'Memgrade-Timestamp': headers['memgrade-timestamp'], 'Memgrade-Signature': headers['memgrade-signature'] };
    expect(verifyWebhookSignature(secret, upper, body, 300, now)).toBe(true);
    expect(verifyWebhookSignature(secret, new Headers(upper), body, 300, now)).toBe(true);
  });

  it('rejects a tampered body', () => {
    const headers = headersFor(secret, now, body);
    expect(verifyWebhookSignature(secret, headers, body.replace('"score":2', '"score":9'), 300, now)).toBe(false);
    expect(verifyWebhookSignature(secret, headers, `${body} `, 300, now)).toBe(false);
  });

  it('rejects a signature made with another secret', () => {
    expect(verifyWebhookSignature(secret, headersFor('whsec_other', now, body), body, 300, now)).toBe(false);
  });

  it('rejects a stale or far-future timestamp, and a timestamp changed after signing', () => {
    const headers = headersFor(secret, now, body);
    expect(verifyWebhookSignature(secret, headers, body, 300, now + 301)).toBe(false);
    expect(verifyWebhookSignature(secret, headers, body, 300, now - 301)).toBe(false);
    const replayed = { ...headers, 'memgrade-timestamp': String(now + 60) };
    expect(verifyWebhookSignature(secret, replayed, body, 300, now + 60)).toBe(false);
  });

  it('rejects missing or malformed headers, and accepts any of several signatures (secret rotation)', () => {
    expect(verifyWebhookSignature(secret, {}, body, 300, now)).toBe(false);
    expect(verifyWebhookSignature(secret, { 'memgrade-timestamp': 'soon', 'memgrade-signature': 'v1=00' }, body, 300, now)).toBe(false);
    const good = signWebhook(secret, now, body);
    expect(verifyWebhookSignature(secret, { 'memgrade-timestamp': String(now), 'memgrade-signature': `v0=${good}` }, body, 300, now)).toBe(false);
    expect(verifyWebhookSignature(secret, { 'memgrade-timestamp': String(now), 'memgrade-signature': `v1=${good.slice(2)}` }, body, 300, now)).toBe(false);
    const rotated = `v1=${signWebhook('whsec_old', now, body)}, v1=${good}`;
    expect(verifyWebhookSignature(secret, { 'memgrade-timestamp': String(now), 'memgrade-signature': rotated }, body, 300, now)).toBe(true);
  });
});
