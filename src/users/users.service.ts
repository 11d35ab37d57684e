import { Injectable } from '@nestjs/common';
import { ApiKeysService } from '../auth/api-keys.service';
import type { Principal } from '../auth/principal';
import { ConflictError, NotFoundError } from '../common/errors/domain-errors';
import { PrismaService } from '../database/prisma.service';
import { isUniqueViolation } from '../database/prisma-errors';
import type { CreateUserDto } from './dto/create-user.dto';
import type { CreatedUserView, IssuedKeyView, KeyView, MeView, UserView } from './dto/user-views.dto';
import { toKeyView, toUserView } from './user-views';

export type { IssuedKeyView } from './dto/user-views.dto';

@Injectable()
export class UsersService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly apiKeys: ApiKeysService,
  ) {}

  /** An admin creates a person and their first key. */
  async create(dto: CreateUserDto): Promise<CreatedUserView> {
    try {
      const user = await this.prisma.user.create({ data: { role: dto.role, displayName: dto.displayName, email: dto.email } });
      return { user: toUserView(user), key: await this.issueKey(user.id, 'first key') };
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError('a user with this email exists', [{ field: 'email', reason: 'is already taken' }]);
      throw error;
    }
  }

  async list(): Promise<UserView[]> {
    return (await this.prisma.user.findMany({ orderBy: { createdAt: 'asc' } })).map(toUserView);
  }

  async me(principal: Principal): Promise<MeView> {
    const user = await this.prisma.user.findUniqueOrThrow({ where: { id: principal.userId } });
    return { ...toUserView(user), keyId: principal.keyId, courseId: principal.courseId };
  }

  async issueKey(userId: string, name: string, courseId?: string, expiresAt?: Date, issuedByKeyId?: string): Promise<IssuedKeyView> {
    const { id, secret } = await this.apiKeys.issue(userId, name, { courseId, expiresAt, issuedByKeyId });
    return { ...toKeyView(await this.prisma.apiKey.findUniqueOrThrow({ where: { id } })), secret };
  }

  async listKeys(principal: Principal): Promise<KeyView[]> {
    const keys = await this.prisma.apiKey.findMany({ where: { userId: principal.userId }, orderBy: { createdAt: 'asc' } });
    return keys.map(toKeyView);
  }

  /** Revokes one of the caller's keys (admins: anyone's). Revoking twice is harmless. */
  async revokeKey(principal: Principal, keyId: string): Promise<void> {
    const key = await this.prisma.apiKey.findFirst({
      where: { id: keyId, ...(principal.role === 'admin' ? {} : { userId: principal.userId }) },
    });
    if (!key) throw new NotFoundError(`key ${keyId} does not exist`, [{ field: 'id', reason: 'no such key of yours' }]);
    if (!key.revokedAt) await this.prisma.apiKey.update({ where: { id: key.id }, data: { revokedAt: new Date() } });
  }
}
