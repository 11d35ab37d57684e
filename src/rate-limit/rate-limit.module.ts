import { Global, Module } from '@nestjs/common';
import { RateLimitGuard } from './rate-limit.guard';
import { RateLimitService } from './rate-limit.service';
import { StudentRateLimiter } from './student-rate-limiter';

/** Global, so `@RateLimit(...)` works on a route of any module without importing this one. */
@Global()
@Module({ providers: [RateLimitService, RateLimitGuard, StudentRateLimiter], exports: [RateLimitService, RateLimitGuard, StudentRateLimiter] })
export class RateLimitModule {}
