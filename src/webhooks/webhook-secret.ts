import { randomBytes } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';

/** A new signing secret for an endpoint: shown once at creation, kept to sign every delivery. */
export function newWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64url');
}
