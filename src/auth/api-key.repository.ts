import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { Role } from '../generated/prisma/enums';

/** What authentication reads of a key: the key, its user's role and, for a key bound to a course, whether its user is on the roster. */
export interface KeyToCheck {
  id: string;
  userId: string;
  courseId: string | null;
  role: Role;
  revokedAt: Date | null;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  /** Whether the user is on the roster of the key's course (false for a key bound to no course). */
  enrolled: boolean;
}

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
 * Authentication's queries: keys by their hash (with their user, and for a key bound to a course
 * the roster check, in the same statement), and the admin user and key that `ensureAdmin` makes sure of at start.
 */
@Injectable()
export class ApiKeyRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The key with this hash and its user, revoked and expired ones too (the caller tells why it refuses them). */
  findByHash(hash: string) {
    return this.prisma.apiKey.findUnique({ where: { hash }, include: { user: true } });
  }

  /**
   * The key with this hash as authentication checks it, revoked and expired ones too, in one
   * statement (every authenticated request runs it: Prisma would send one per table).
   */
  async findToCheck(hash: string): Promise<KeyToCheck | null> {
    const [key] = await this.prisma.$queryRaw<KeyToCheck[]>`
      SELECT k.id, k.user_id AS "userId", k.course_id AS "courseId", u.role::text AS role,
             k.revoked_at AS "revokedAt", k.expires_at AS "expiresAt", k.last_used_at AS "lastUsedAt",
             (k.course_id IS NOT NULL AND EXISTS (SELECT 1 FROM enrolments e WHERE e.course_id = k.course_id AND e.user_id = k.user_id)) AS enrolled
        FROM api_keys k
        JOIN users u ON u.id = k.user_id
       WHERE k.hash = ${hash}`;
    return key ?? null;
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
