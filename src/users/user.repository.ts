import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { Role } from '../generated/prisma/enums';

/** The queries of people and of the keys they see and revoke (issuing one is ApiKeysService's). */
@Injectable()
export class UserRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Throws Prisma's unique violation when the email is taken. */
  create(user: { role: Role; displayName: string; email?: string | null }) {
    return this.prisma.user.create({ data: user });
  }

  listOldestFirst() {
    return this.prisma.user.findMany({ orderBy: { createdAt: 'asc' } });
  }

  get(userId: string) {
    return this.prisma.user.findUniqueOrThrow({ where: { id: userId } });
  }

  getKey(keyId: string) {
    return this.prisma.apiKey.findUniqueOrThrow({ where: { id: keyId } });
  }

  keysOf(userId: string) {
    return this.prisma.apiKey.findMany({ where: { userId }, orderBy: { createdAt: 'asc' } });
  }

  /** The key, when it is the user's (any user's when `userId` is undefined). */
  findKey(keyId: string, userId: string | undefined) {
    return this.prisma.apiKey.findFirst({ where: { id: keyId, ...(userId === undefined ? {} : { userId }) } });
  }

  async revokeKey(keyId: string): Promise<void> {
    await this.prisma.apiKey.update({ where: { id: keyId }, data: { revokedAt: new Date() } });
  }
}
