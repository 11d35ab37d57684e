import type { ApiKey, User } from '../generated/prisma/client';
import type { KeyView, UserView } from './dto/user-views.dto';

export type { KeyView, UserView } from './dto/user-views.dto';

export const toUserView = (user: User): UserView => ({
  id: user.id,
  role: user.role,
  displayName: user.displayName,
  email: user.email,
  externalId: user.externalId,
  createdAt: user.createdAt.toISOString(),
});

export const toKeyView = (key: ApiKey): KeyView => ({
  id: key.id,
  name: key.name,
  prefix: key.prefix,
  courseId: key.courseId,
  createdAt: key.createdAt.toISOString(),
  lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
  revokedAt: key.revokedAt?.toISOString() ?? null,
  expiresAt: key.expiresAt?.toISOString() ?? null,
});
