import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { LtiLaunchState, LtiSession } from '../generated/prisma/client';

/** A session's id and the API key its web pages use (null: none was made). */
export interface SessionKey {
  id: string;
  apiKeyId: string | null;
}

/** The queries of LTI launches' browser sessions and of the login states (state and nonce) before them. */
@Injectable()
export class LtiSessionRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(data: { tokenHash: string; userId: string; courseId: string; platformId: string; apiKeyId: string; expiresAt: Date; deepLinking?: object }): Promise<LtiSession> {
    return this.prisma.ltiSession.create({ data });
  }

  /** The session of a cookie's hash, ended or expired or not. */
  byTokenHash(tokenHash: string): Promise<LtiSession | null> {
    return this.prisma.ltiSession.findUnique({ where: { tokenHash } });
  }

  /** Up to `limit` sessions not ended whose time ran out before `now`. */
  expiredNotEnded(now: Date, limit: number): Promise<SessionKey[]> {
    return this.prisma.ltiSession.findMany({ where: { endedAt: null, expiresAt: { lt: now } }, select: { id: true, apiKeyId: true }, take: limit });
  }

  /** The user's sessions in the course not ended yet; only session `onlyId` (if not ended) when given. */
  notEndedOf(userId: string, courseId: string, onlyId?: string): Promise<SessionKey[]> {
    return this.prisma.ltiSession.findMany({
      where: { userId, courseId, endedAt: null, ...(onlyId ? { id: onlyId } : {}) },
      select: { id: true, apiKeyId: true },
    });
  }

  /** Ends the sessions and revokes their API keys (those not revoked yet), in one transaction. */
  async endRevokingKeys(sessions: SessionKey[], now: Date): Promise<void> {
    const keyIds = sessions.map((s) => s.apiKeyId).filter((id): id is string => id !== null);
    await this.prisma.$transaction([
      this.prisma.apiKey.updateMany({ where: { id: { in: keyIds }, revokedAt: null }, data: { revokedAt: now } }),
      this.prisma.ltiSession.updateMany({ where: { id: { in: sessions.map((s) => s.id) } }, data: { endedAt: now } }),
    ]);
  }

  /** Replaces the deep-linking context of a session not ended; false when it has ended. */
  async replaceDeepLinkingIfNotEnded(id: string, deepLinking: object): Promise<boolean> {
    const { count } = await this.prisma.ltiSession.updateMany({ where: { id, endedAt: null }, data: { deepLinking } });
    return count > 0;
  }

  createLaunchState(data: { state: string; nonce: string; platformId: string; targetLinkUri: string; expiresAt: Date }): Promise<LtiLaunchState> {
    return this.prisma.ltiLaunchState.create({ data });
  }

  launchState(state: string): Promise<LtiLaunchState | null> {
    return this.prisma.ltiLaunchState.findUnique({ where: { state } });
  }

  /** Marks the state used unless it was already: false when another launch used it first. */
  async useLaunchState(state: string): Promise<boolean> {
    const { count } = await this.prisma.ltiLaunchState.updateMany({ where: { state, usedAt: null }, data: { usedAt: new Date() } });
    return count > 0;
  }

  async deleteLaunchStatesExpiredBefore(before: Date): Promise<void> {
    await this.prisma.ltiLaunchState.deleteMany({ where: { expiresAt: { lt: before } } });
  }
}
