import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { RateLimitedError } from '../common/errors/domain-errors';
import { AppConfigService } from '../config/app-config';
import type { RateLimitPolicy } from './rate-limit.guard';
import { RateLimitService } from './rate-limit.service';

/**
 * The per-student half of an lms key's limit: the student it acts for is known only once the body
 * is read (JSON or multipart), after the guard counted the key's own, larger budget. Counts per
 * course and external id, so one busy student is throttled and the other students of the LMS are not.
 */
@Injectable()
export class StudentRateLimiter {
  constructor(
    private readonly limiter: RateLimitService,
    private readonly config: AppConfigService,
  ) {}

  async consume(policy: RateLimitPolicy, courseId: string, externalId: string, response: Response): Promise<void> {
    const limit = policy.perMinute(this.config.values);
    const decision = await this.limiter.consume({ name: `${policy.name}-student`, limit, windowSeconds: 60 }, `course:${courseId}:student:${externalId}`);
    if (!decision.degraded && decision.remaining < Number(response.getHeader('RateLimit-Remaining') ?? Infinity)) {
      // The tighter of the two budgets is what the client can still count on for this student.
      response.setHeader('RateLimit-Limit', String(decision.limit));
      response.setHeader('RateLimit-Remaining', String(decision.remaining));
      response.setHeader('RateLimit-Reset', String(decision.resetSeconds));
    }
    if (decision.allowed) return;
    throw new RateLimitedError(
      `rate limit exceeded: at most ${limit} ${policy.counts} per minute per student ("${externalId}"); retry in ${decision.resetSeconds} s`,
      decision.resetSeconds,
    );
  }
}
