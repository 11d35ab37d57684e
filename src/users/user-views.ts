import type { ApiKey, User } from '../generated/prisma/client';

export interface UserView {
  id: string;
  role: User['role'];
  displayName: string;
  email: string | null;
  externalId: string | null;
  createdAt: string;
}

export interface KeyView {
  id: string;
  name: string;
  prefix: string;
  courseId: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  /** Sign-in keys an LMS issued stop working then (null: until revoked). */
  expiresAt: string | null;
}

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
