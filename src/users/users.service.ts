import { Injectable } from '@nestjs/common';
import { ApiKeysService } from '../auth/api-keys.service';
import type { Principal } from '../auth/principal';
import { ConflictError, NotFoundError } from '../common/errors/domain-errors';
import { isUniqueViolation } from '../database/prisma-errors';
import type { CreateUserDto } from './dto/create-user.dto';
import type { CreatedUserView, IssuedKeyView, KeyView, MeView, UserView } from './dto/user-views.dto';
import { UserRepository } from './user.repository';
import { toKeyView, toUserView } from './user-views';

export type { IssuedKeyView } from './dto/user-views.dto';

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UserRepository,
    private readonly apiKeys: ApiKeysService,
  ) {}

  /** An admin creates a person and their first key. */
  async create(dto: CreateUserDto): Promise<CreatedUserView> {
    try {
      const user = await this.users.create({ role: dto.role, displayName: dto.displayName, email: dto.email });
      return { user: toUserView(user), key: await this.issueKey(user.id, 'first key') };
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError('a user with this email exists', [{ field: 'email', reason: 'is already taken' }]);
      throw error;
    }
  }

  async list(): Promise<UserView[]> {
    return (await this.users.listOldestFirst()).map(toUserView);
  }

  async me(principal: Principal): Promise<MeView> {
    const user = await this.users.get(principal.userId);
    return { ...toUserView(user), keyId: principal.keyId, courseId: principal.courseId };
  }

  async issueKey(userId: string, name: string, courseId?: string, expiresAt?: Date, issuedByKeyId?: string): Promise<IssuedKeyView> {
    const { id, secret } = await this.apiKeys.issue(userId, name, { courseId, expiresAt, issuedByKeyId });
    return { ...toKeyView(await this.users.getKey(id)), secret };
  }

  async listKeys(principal: Principal): Promise<KeyView[]> {
    const keys = await this.users.keysOf(principal.userId);
    return keys.map(toKeyView);
  }

  /** Revokes one of the caller's keys (admins: anyone's). Revoking twice is harmless. */
  async revokeKey(principal: Principal, keyId: string): Promise<void> {
    const key = await this.users.findKey(keyId, principal.role === 'admin' ? undefined : principal.userId);
    if (!key) throw new NotFoundError(`key ${keyId} does not exist`, [{ field: 'id', reason: 'no such key of yours' }]);
    if (!key.revokedAt) await this.users.revokeKey(key.id);
  }
}
