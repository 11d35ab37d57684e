import { createHash, randomBytes } from 'node:crypto';

const KEY_PREFIX = 'mg_';

/** A new secret: shown once, stored only as its hash. */
export function newApiKeySecret(): string {
  return KEY_PREFIX + randomBytes(32).toString('base64url');
}

/** Keys are long random strings, so a fast hash is enough (no password stretching needed). */
export function hashApiKey(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** The part of a key shown in listings so its owner can recognise it. */
export function displayPrefix(secret: string): string {
  return secret.slice(0, 10);
}
