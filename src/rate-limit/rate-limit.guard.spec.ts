import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { RateLimitedError } from '../common/errors/domain-errors';
import type { AppConfigService } from '../config/app-config';
import { RateLimit, RateLimitGuard, SUBMISSIONS_RATE_LIMIT } from './rate-limit.guard';
import type { RateLimitDecision, RateLimitService } from './rate-limit.service';

class Routes {
  @RateLimit(SUBMISSIONS_RATE_LIMIT)
  limited() {}
  free() {}
}

function contextFor(handler: () => void, principal: { keyId: string; role?: string } = { keyId: 'k1' }) {
  const headers: Record<string, string> = {};
  const context = {
    getHandler: () => handler,
    getClass: () => Routes,
    switchToHttp: () => ({ getRequest: () => ({ principal, ip: '10.0.0.1' }), getResponse: () => ({ setHeader: (name: string, value: string) => (headers[name] = value) }) }),
  } as unknown as ExecutionContext;
  return { context, headers };
}

describe('RateLimitGuard', () => {
  const config = { values: { SUBMISSION_RATE_LIMIT_PER_MINUTE: 3, LMS_SUBMISSION_RATE_LIMIT_PER_MINUTE: 500 } } as unknown as AppConfigService;
  const guardWith = (decision: RateLimitDecision) => {
    const consume = jest.fn(async () => decision);
    return { guard: new RateLimitGuard(new Reflector(), { consume } as unknown as RateLimitService, config), consume };
  };

  it('counts per API key against the configured limit and tells the client what is left', async () => {
    const { guard, consume } = guardWith({ allowed: true, limit: 3, remaining: 2, resetSeconds: 60, degraded: false });
    const { context, headers } = contextFor(Routes.prototype.limited);
    await expect(guard.canActivate(context)).resolves.toBe(true);
    expect(consume).toHaveBeenCalledWith({ name: 'submissions', limit: 3, windowSeconds: 60 }, 'key:k1');
    expect(headers).toEqual({ 'RateLimit-Limit': '3', 'RateLimit-Remaining': '2', 'RateLimit-Reset': '60' });
  });

  it('throws RateLimitedError naming the limit, with Retry-After seconds', async () => {
    const { guard } = guardWith({ allowed: false, limit: 3, remaining: 0, resetSeconds: 42, degraded: false });
    const error = await guard.canActivate(contextFor(Routes.prototype.limited).context).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ status: 429, retryAfterSeconds: 42, message: expect.stringContaining('at most 3 submissions per minute per API key') });
  });

  it('gives an lms key its own, larger budget and says so when it is spent', async () => {
    const { guard, consume } = guardWith({ allowed: false, limit: 500, remaining: 0, resetSeconds: 7, degraded: false });
    const error = await guard.canActivate(contextFor(Routes.prototype.limited, { keyId: 'lms1', role: 'lms' }).context).catch((e: unknown) => e);
    expect(consume).toHaveBeenCalledWith({ name: 'submissions', limit: 500, windowSeconds: 60 }, 'key:lms1');
    expect(error).toMatchObject({ status: 429, message: expect.stringContaining('at most 500 submissions per minute per lms key') });
  });

  it('leaves routes without @RateLimit alone', async () => {
    const { guard, consume } = guardWith({ allowed: false, limit: 3, remaining: 0, resetSeconds: 1, degraded: false });
    await expect(guard.canActivate(contextFor(Routes.prototype.free).context)).resolves.toBe(true);
    expect(consume).not.toHaveBeenCalled();
  });
});
