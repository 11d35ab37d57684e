import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ApiKeysService } from '../auth/api-keys.service';
import { AppConfigService } from '../config/app-config';
import type { LtiSession } from '../generated/prisma/client';
import { LtiSessionRepository, type SessionKey } from './lti-session.repository';

export const SESSION_COOKIE = 'memgrade_lti_session';
const hash = (token: string) => createHash('sha256').update(token).digest('hex');

export interface StartedSession {
  /** The cookie value (only its hash is stored). */
  token: string;
  /** The API key the web pages use for this session (revoked when it ends). */
  apiKey: string;
  session: LtiSession;
}

/**
 * Browser sessions started by launches. The cookie (http-only) identifies the session to memgrade's
 * LTI pages (deep linking); the web pages get a short-lived API key of the session's user in the
 * address fragment, so their API calls carry a Bearer header and no ambient credential (CSRF-safe).
 * Expired sessions' keys are revoked by the LTI sweeper.
 */
@Injectable()
export class LtiSessionsService {
  constructor(
    private readonly sessions: LtiSessionRepository,
    private readonly apiKeys: ApiKeysService,
    private readonly config: AppConfigService,
  ) {}

  async start(input: { userId: string; courseId: string; platformId: string; deepLinking?: object }): Promise<StartedSession> {
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.config.values.LTI_SESSION_MINUTES * 60_000);
    // The key expires with the session by itself (the sweep also revokes it), and so do keys made with it.
    const key = await this.apiKeys.issue(input.userId, `LTI launch session (until ${expiresAt.toISOString()})`, { expiresAt });
    const session = await this.sessions.create({
      tokenHash: hash(token),
      userId: input.userId,
      courseId: input.courseId,
      platformId: input.platformId,
      apiKeyId: key.id,
      expiresAt,
      deepLinking: input.deepLinking,
    });
    return { token, apiKey: key.secret, session };
  }

  /** The live session of a cookie value, or null. */
  async find(token: string | undefined): Promise<LtiSession | null> {
    if (!token) return null;
    const session = await this.sessions.byTokenHash(hash(token));
    if (!session || session.endedAt || session.expiresAt.getTime() < Date.now()) return null;
    return session;
  }

  /** Ends sessions past their time and revokes their keys. Returns how many ended. */
  async endExpired(): Promise<number> {
    const expired = await this.sessions.expiredNotEnded(new Date(), 1000);
    if (!expired.length) return 0;
    await this.revoke(expired);
    return expired.length;
  }

  /** Login states older than a day (used or not) are of no use any more. */
  async dropOldStates(): Promise<void> {
    await this.sessions.deleteLaunchStatesExpiredBefore(new Date(Date.now() - 24 * 3600_000));
  }

  /** Ends every session of a user in a course (they left the course's roster), or just one of them. */
  async endFor(userId: string, courseId: string, onlySessionId?: string): Promise<void> {
    await this.revoke(await this.sessions.notEndedOf(userId, courseId, onlySessionId));
  }

  private async revoke(sessions: SessionKey[]): Promise<void> {
    await this.sessions.endRevokingKeys(sessions, new Date());
  }
}
