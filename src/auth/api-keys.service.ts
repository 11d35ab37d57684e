import { Injectable } from '@nestjs/common';
import { ApiKeyRepository } from './api-key.repository';
import { displayPrefix, hashApiKey, newApiKeySecret } from './api-key.secret';
import type { Principal } from './principal';

const LAST_USED_RESOLUTION_MS = 60_000;

export interface IssuedKey {
  id: string;
  secret: string;
}

@Injectable()
export class ApiKeysService {
  constructor(private readonly keys: ApiKeyRepository) {}

  /** The principal behind a secret, or null when it is unknown, revoked or expired. */
  async authenticate(secret: string): Promise<Principal | null> {
    const outcome = await this.check(secret);
    return 'principal' in outcome ? outcome.principal : null;
  }

  /**
   * The principal behind a secret, or why it is refused, in words the holder can act on (they hold
   * the secret, so saying it was revoked or expired tells them nothing they could not try).
   */
  async check(secret: string): Promise<{ principal: Principal } | { refused: string }> {
    const key = await this.keys.findToCheck(hashApiKey(secret));
    if (!key) return { refused: 'unknown API key' };
    const signInLink = key.expiresAt ? 'this sign-in link' : 'this API key';
    if (key.revokedAt) return { refused: `${signInLink} was revoked at ${key.revokedAt.toISOString()}${key.expiresAt ? '; ask your LMS for a new link' : ''}` };
    if (key.expiresAt && key.expiresAt.getTime() <= Date.now()) return { refused: `this sign-in link expired at ${key.expiresAt.toISOString()}; ask your LMS for a new link` };
    // A person's key bound to a course (a sign-in key an LMS handed out) works while they are on its roster.
    if (key.courseId && key.role !== 'lms' && key.role !== 'admin' && !key.enrolled) return { refused: `${signInLink} belongs to a course whose roster no longer has you` };
    if (!key.lastUsedAt || Date.now() - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      // Best effort and at most once a minute per key: authentication must not wait for a write.
      void this.keys.touchLastUsed(key.id).catch(() => undefined);
    }
    return { principal: { keyId: key.id, userId: key.userId, role: key.role, courseId: key.courseId, expiresAt: key.expiresAt } };
  }

  async issue(userId: string, name: string, options: { courseId?: string; secret?: string; expiresAt?: Date; issuedByKeyId?: string } = {}): Promise<IssuedKey> {
    const secret = options.secret ?? newApiKeySecret();
    const id = await this.keys.create({
      userId,
      name,
      courseId: options.courseId,
      prefix: displayPrefix(secret),
      hash: hashApiKey(secret),
      expiresAt: options.expiresAt,
      issuedByKeyId: options.issuedByKeyId,
    });
    return { id, secret };
  }

  /**
   * Makes sure an admin can sign in. With a token given, that token becomes (or stays) an admin key;
   * otherwise a key is generated only when no admin key exists yet. Returns a generated secret, once.
   */
  async ensureAdmin(token: string | undefined): Promise<{ generated: string | null }> {
    if (token) {
      const existing = await this.keys.findByHash(hashApiKey(token));
      if (existing?.user.role === 'admin' && !existing.revokedAt) return { generated: null };
      if (existing) {
        throw new Error('MEMGRADE_ADMIN_TOKEN is already in use by a non-admin or revoked key; choose another token');
      }
      const admin = await this.keys.findOrCreateAdminUser();
      await this.issue(admin.id, 'admin (MEMGRADE_ADMIN_TOKEN)', { secret: token });
      return { generated: null };
    }
    if (await this.keys.hasActiveAdminKey()) return { generated: null };
    const admin = await this.keys.findOrCreateAdminUser();
    const { secret } = await this.issue(admin.id, 'admin (generated at first start)');
    return { generated: secret };
  }
}
