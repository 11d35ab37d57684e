import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ForbiddenError, UnauthenticatedError } from '../common/errors/domain-errors';
import type { Role } from '../generated/prisma/enums';
import { ApiKeysService } from './api-keys.service';
import { IS_PUBLIC } from './public.decorator';
import { ROLES } from './roles.decorator';

const BEARER = /^Bearer\s+(\S{1,512})$/i;

/** Every route needs `Authorization: Bearer <api key>` unless marked @Public(): 401 without, 403 for a wrong role. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<Request>();
    const match = BEARER.exec(request.headers.authorization ?? '');
    if (!match) throw new UnauthenticatedError('missing API key: send "Authorization: Bearer <key>"');
    const outcome = await this.apiKeys.check(match[1]);
    if ('refused' in outcome) throw new UnauthenticatedError(outcome.refused);
    const { principal } = outcome;
    request.principal = principal;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    if (roles && !roles.includes(principal.role)) {
      throw new ForbiddenError(`this route is for ${roles.join(' or ')} keys; yours is ${principal.role}`);
    }
    return true;
  }
}
