import type { Response } from 'express';
import { RateLimitedError } from '../common/errors/domain-errors';
import type { AppConfigService } from '../config/app-config';
import { SUBMISSIONS_RATE_LIMIT } from './rate-limit.guard';
import type { RateLimitDecision, RateLimitService } from './rate-limit.service';
import { StudentRateLimiter } from './student-rate-limiter';

describe('StudentRateLimiter', () => {
  const config = { values: { SUBMISSION_RATE_LIMIT_PER_MINUTE: 3, LMS_SUBMISSION_RATE_LIMIT_PER_MINUTE: 500 } } as unknown as AppConfigService;
  const setUp = (decision: RateLimitDecision, keyRemaining = '499') => {
    const consume = jest.fn(async () => decision);
    const headers: Record<string, string> = { 'RateLimit-Limit': '500', 'RateLimit-Remaining': keyRemaining, 'RateLimit-Reset': '60' };
    const response = { getHeader: (name: string) => headers[name], setHeader: (name: string, value: string) => (headers[name] = value) } as unknown as Response;
    return { limiter: new StudentRateLimiter({ consume } as unknown as RateLimitService, config), consume, headers, response };
  };

  it('counts per course and external id with the per-person limit, and reports the tighter budget', async () => {
    const { limiter, consume, headers, response } = setUp({ allowed: true, limit: 3, remaining: 1, resetSeconds: 58, degraded: false });
    await limiter.consume(SUBMISSIONS_RATE_LIMIT, 'course-1', 'u-17', response);
    expect(consume).toHaveBeenCalledWith({ name: 'submissions-student', limit: 3, windowSeconds: 60 }, 'course:course-1:student:u-17');
    expect(headers).toEqual({ 'RateLimit-Limit': '3', 'RateLimit-Remaining': '1', 'RateLimit-Reset': '58' });
  });

  it("keeps the key's headers when the key has less left than the student", async () => {
    const { limiter, headers, response } = setUp({ allowed: true, limit: 3, remaining: 2, resetSeconds: 60, degraded: false }, '1');
    await limiter.consume(SUBMISSIONS_RATE_LIMIT, 'course-1', 'u-17', response);
    expect(headers['RateLimit-Remaining']).toBe('1');
    expect(headers['RateLimit-Limit']).toBe('500');
  });

  it('refuses the student over their limit with 429 naming them', async () => {
    const { limiter, response } = setUp({ allowed: false, limit: 3, remaining: 0, resetSeconds: 12, degraded: false });
    const error = await limiter.consume(SUBMISSIONS_RATE_LIMIT, 'course-1', 'u-17', response).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ status: 429, retryAfterSeconds: 12, message: 'rate limit exceeded: at most 3 submissions per minute per student ("u-17"); retry in 12 s' });
  });
});
