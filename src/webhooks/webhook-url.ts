import type { FieldProblem } from '../common/errors/domain-errors';

export const MAX_WEBHOOK_URL_LENGTH = 2048;

/**
 * Why a webhook URL cannot be used, or null when it can: an absolute http(s) URL with a host, no
 * credentials (the URL is listed to course staff; authenticate the sender by the signature instead).
 */
export function webhookUrlProblem(value: unknown, field = 'url'): FieldProblem | null {
  if (typeof value !== 'string' || value.trim() === '') return { field, reason: 'must be an absolute http:// or https:// URL' };
  if (value.length > MAX_WEBHOOK_URL_LENGTH) return { field, reason: `must be at most ${MAX_WEBHOOK_URL_LENGTH} characters` };
  if (value !== value.trim() || /\s/.test(value)) return { field, reason: 'must not contain white space' };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { field, reason: 'must be an absolute http:// or https:// URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { field, reason: `must use http or https (got "${url.protocol.replace(/:$/, '')}")` };
  }
  if (!url.hostname) return { field, reason: 'must name a host' };
  if (url.username || url.password) return { field, reason: 'must not contain credentials; verify requests by their signature instead' };
  if (url.hash) return { field, reason: 'must not contain a #fragment' };
  return null;
}
