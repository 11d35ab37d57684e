import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { Role } from '../generated/prisma/enums';

/** A key as it is stored (hash, never the secret), to be created. */
export interface KeyToStore {
  userId: string;
  name: string;
  courseId?: string;
  prefix: string;
  hash: string;
  expiresAt?: Date;
  issuedByKeyId?: string;
}

/**
 * Authentication's queries: keys by their hash (with their user), the roster check of a key bound
 * to a course, and the admin user and key that `ensureAdmin` makes sure of at start.
 */
@Injectable()
export class ApiKeyRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The key with this hash and its user, revoked and expired ones too (the caller tells why it refuses them). */
  findByHash(hash: string) {
    return this.prisma.apiKey.findUnique({ where: { hash }, include: { user: true } });
  }

  /** Whether the user is on the course's roster (any role). */
  async isEnrolled(courseId: string, userId: string): Promise<boolean> {
    const enrolment = await this.prisma.enrolment.findUnique({ where: { courseId_userId: { courseId, userId } }, select: { id: true } });
    return enrolment !== null;
  }

  /** Records that the key was used now. */
  async touchLastUsed(keyId: string): Promise<void> {
    await this.prisma.apiKey.update({ where: { id: keyId }, data: { lastUsedAt: new Date() } });
  }

  /** Stores the key; returns its id. */
  async create(key: KeyToStore): Promise<string> {
    const { id } = await this.prisma.apiKey.create({ data: key });
    return id;
  }

  /** Whether some admin user has a key that is not revoked. */
  async hasActiveAdminKey(): Promise<boolean> {
    return (await this.prisma.apiKey.findFirst({ where: { revokedAt: null, user: { role: 'admin' satisfies Role } } })) !== null;
  }

  /** The first admin user, made when there is none. */
  async findOrCreateAdminUser() {
    return (
      (await this.prisma.user.findFirst({ where: { role: 'admin' }, orderBy: { createdAt: 'asc' } })) ??
      (await this.prisma.user.create({ data: { role: 'admin', displayName: 'Administrator' } }))
    );
  }
}
