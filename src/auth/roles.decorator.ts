import { SetMetadata } from '@nestjs/common';
import type { Role } from '../generated/prisma/enums';

export const ROLES = 'memgrade:roles';

/** Restricts a route to some roles; without it any valid key may call (services still check ownership). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES, roles);
