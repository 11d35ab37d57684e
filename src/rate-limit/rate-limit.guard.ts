import { applyDecorators, type CanActivate, type ExecutionContext, Injectable, SetMetadata, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { RateLimitedError } from '../common/errors/domain-errors';
import { AppConfigService } from '../config/app-config';
import type { AppConfig } from '../config/config.schema';
import { RateLimitService } from './rate-limit.service';

/** What a route is limited by: a name for the counter, what is counted (for messages) and the limit. */
export interface RateLimitPolicy {
  name: string;
  /** Plural noun used in the 429 message, e.g. "submissions". */
  counts: string;
  /** Requests per minute, read from the validated configuration. */
  perMinute: (config: AppConfig) => number;
  /**
   * An lms key acts for many students: its own budget (much larger), while each student it acts
   * for is counted on their own with `perMinute` (StudentRateLimiter, once the body names them).
   */
  lmsPerMinute?: (config: AppConfig) => number;
}

/**
 * POST /api/v1/submissions: SUBMISSION_RATE_LIMIT_PER_MINUTE per API key; an lms key
 * LMS_SUBMISSION_RATE_LIMIT_PER_MINUTE in all and SUBMISSION_RATE_LIMIT_PER_MINUTE per student.
 */
export const SUBMISSIONS_RATE_LIMIT: RateLimitPolicy = {
  name: 'submissions',
  counts: 'submissions',
  perMinute: (config) => config.SUBMISSION_RATE_LIMIT_PER_MINUTE,
  lmsPerMinute: (config) => config.LMS_SUBMISSION_RATE_LIMIT_PER_MINUTE,
};

const RATE_LIMIT_POLICY = 'memgrade:rate-limit';

/**
 * Limits a route per API key (sliding 60 s window in Redis). Every answer carries RateLimit-Limit,
 * RateLimit-Remaining and RateLimit-Reset (seconds); over the limit → 429 with Retry-After.
 * Runs after the global ApiKeyGuard, so the key is known; requests without a principal are limited
 * by client address.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly limiter: RateLimitService,
    private readonly config: AppConfigService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const policy = this.reflector.getAllAndOverride<RateLimitPolicy | undefined>(RATE_LIMIT_POLICY, [context.getHandler(), context.getClass()]);
    if (!policy) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const subject = request.principal ? `key:${request.principal.keyId}` : `ip:${request.ip ?? 'unknown'}`;
    const asLms = request.principal?.role === 'lms' && policy.lmsPerMinute !== undefined;
    const limit = asLms && policy.lmsPerMinute ? policy.lmsPerMinute(this.config.values) : policy.perMinute(this.config.values);
    const decision = await this.limiter.consume({ name: policy.name, limit, windowSeconds: 60 }, subject);
    if (!decision.degraded) {
      response.setHeader('RateLimit-Limit', String(decision.limit));
      response.setHeader('RateLimit-Remaining', String(decision.remaining));
      response.setHeader('RateLimit-Reset', String(decision.resetSeconds));
    }
    if (decision.allowed) return true;
    throw new RateLimitedError(
      `rate limit exceeded: at most ${limit} ${policy.counts} per minute per ${asLms ? 'lms key (for all its students)' : 'API key'}; retry in ${decision.resetSeconds} s`,
      decision.resetSeconds,
    );
  }
}

/** Applies a rate limit to a route or controller: `@RateLimit(SUBMISSIONS_RATE_LIMIT)`. */
export function RateLimit(policy: RateLimitPolicy): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(RATE_LIMIT_POLICY, policy),
    UseGuards(RateLimitGuard),
    ApiTooManyRequestsResponse({
      description: `more ${policy.counts} per minute per API key than allowed (every answer carries RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset)`,
      headers: { 'Retry-After': { description: 'seconds until a request may succeed', schema: { type: 'integer' } } },
    }),
  );
}
