// What the users and keys routes answer (user-views.ts and UsersService build these shapes):
// one definition for the services and the OpenAPI document.
import { ApiProperty } from '@nestjs/swagger';
import type { User } from '../../generated/prisma/client';

const ROLES = ['admin', 'instructor', 'student', 'lms'] as const satisfies readonly User['role'][];

export class UserView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ROLES }) role!: User['role'];
  @ApiProperty({ example: 'Ada Lovelace' }) displayName!: string;
  @ApiProperty({ type: String, nullable: true }) email!: string | null;
  @ApiProperty({ type: String, nullable: true, description: "the person's id in an LMS" }) externalId!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

/** GET /users/me: the user, and the key the request came with. */
export class MeView extends UserView {
  @ApiProperty({ format: 'uuid', description: 'the key this request came with' }) keyId!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'the course the key is bound to, if any' }) courseId!: string | null;
}

export class KeyView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'the first characters of the key, to recognise it' }) prefix!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) courseId!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastUsedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) revokedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'sign-in keys an LMS issued stop working then (null: until revoked)' }) expiresAt!: string | null;
}

export class IssuedKeyView extends KeyView {
  @ApiProperty({ description: 'the key itself: shown only in this response; only its hash is stored' }) secret!: string;
}

export class CreatedUserView {
  @ApiProperty({ type: UserView }) user!: UserView;
  @ApiProperty({ type: IssuedKeyView }) key!: IssuedKeyView;
}
