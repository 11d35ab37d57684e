import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Role } from '../generated/prisma/enums';

/** Who is calling: resolved from the API key by ApiKeyGuard. */
export interface Principal {
  keyId: string;
  userId: string;
  role: Role;
  /** Set for lms keys: the one course they act in. */
  courseId: string | null;
  /** When the key stops working (a sign-in key an LMS issued), or null. */
  expiresAt?: Date | null;
}

declare module 'express' {
  interface Request {
    principal?: Principal;
  }
}

export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<import('express').Request>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a public route');
  return principal;
});
