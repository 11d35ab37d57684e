import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { LtiToolKey } from '../generated/prisma/client';

/** A new key pair of memgrade's: its kid, public JWK and PKCS#8 private key. */
export interface NewToolKey {
  kid: string;
  publicJwk: object;
  privateKey: string;
}

/** The queries of memgrade's own LTI signing keys. */
@Injectable()
export class ToolKeyRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The newest active key, or null when there is none yet. */
  newestActive(): Promise<LtiToolKey | null> {
    return this.prisma.ltiToolKey.findFirst({ where: { active: true }, orderBy: { createdAt: 'desc' } });
  }

  /**
   * Stores the key `make` makes as the active one, unless there is an active key already; under an
   * advisory lock, so processes starting together make one key between them. Returns the newest active key.
   */
  async createActiveIfNone(make: () => Promise<NewToolKey>): Promise<LtiToolKey> {
    await this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('memgrade:lti-tool-key'))`;
      if (!(await tx.ltiToolKey.findFirst({ where: { active: true } }))) await tx.ltiToolKey.create({ data: { ...(await make()), active: true } });
    });
    return this.prisma.ltiToolKey.findFirstOrThrow({ where: { active: true }, orderBy: { createdAt: 'desc' } });
  }

  /** Retires every active key and stores `key` as the active one, in one transaction. */
  async rotateTo(key: NewToolKey): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.ltiToolKey.updateMany({ where: { active: true }, data: { active: false, retiredAt: new Date() } }),
      this.prisma.ltiToolKey.create({ data: { ...key, active: true } }),
    ]);
  }

  /** The keys not retired, or retired after `retiredAfter`, newest first. */
  publishedSince(retiredAfter: Date): Promise<LtiToolKey[]> {
    return this.prisma.ltiToolKey.findMany({ where: { OR: [{ retiredAt: null }, { retiredAt: { gt: retiredAfter } }] }, orderBy: { createdAt: 'desc' } });
  }
}
