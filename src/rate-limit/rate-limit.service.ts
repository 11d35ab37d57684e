import { randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { within } from '../common/time/within';
import { RedisService } from '../redis/redis.module';

/** A limit: at most `limit` requests per `windowSeconds`, sliding, per subject (an API key). */
export interface RateLimitRule {
  /** Names the counter in Redis, e.g. "submissions". */
  name: string;
  limit: number;
  windowSeconds: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  /** Requests left in the window after this one. */
  remaining: number;
  /** Seconds until a slot frees up (the oldest counted request leaves the window); ≥ 1 when refused. */
  resetSeconds: number;
  /** True when Redis could not be asked and the request was let through (fail open). */
  degraded: boolean;
}

export const RATE_LIMIT_KEY_PREFIX = 'memgrade:ratelimit:';
/** Beyond this a slow Redis lets the request through rather than holding it. */
export const RATE_LIMIT_REDIS_TIMEOUT_MS = 500;
const WARN_EVERY_MS = 30_000;

/**
 * A sliding-window log in one atomic Lua script, timed by Redis's own clock (so API processes on
 * several hosts agree): drop entries older than the window, count, add this request when under the
 * limit. Refused requests are not counted. Returns {allowed, remaining, ms until a slot frees}.
 */
const SLIDING_WINDOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
local allowed = 0
if count < limit then
  redis.call('ZADD', KEYS[1], now, now .. '-' .. ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  count = count + 1
  allowed = 1
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local reset = window
if oldest[2] then reset = tonumber(oldest[2]) + window - now end
return {allowed, limit - count, reset}
`;

@Injectable()
export class RateLimitService {
  private readonly logger = new Logger(RateLimitService.name);
  private lastWarned = 0;

  constructor(private readonly redis: RedisService) {}

  /**
   * Counts one request of `subject` against `rule`. If Redis is down or slow the request is allowed
   * (and a warning logged at most every 30 s): an outage of the limiter must not stop submissions.
   */
  async consume(rule: RateLimitRule, subject: string): Promise<RateLimitDecision> {
    const key = `${RATE_LIMIT_KEY_PREFIX}${rule.name}:${subject}`;
    try {
      const reply = (await within(
        this.redis.client.eval(SLIDING_WINDOW, 1, key, String(rule.windowSeconds * 1000), String(rule.limit), randomBytes(6).toString('hex')),
        RATE_LIMIT_REDIS_TIMEOUT_MS,
        'Redis',
      )) as [number, number, number];
      const [allowed, remaining, resetMs] = reply.map(Number);
      return {
        allowed: allowed === 1,
        limit: rule.limit,
        remaining: Math.max(0, remaining),
        resetSeconds: Math.max(1, Math.ceil(resetMs / 1000)),
        degraded: false,
      };
    } catch (error) {
      if (Date.now() - this.lastWarned > WARN_EVERY_MS) {
        this.lastWarned = Date.now();
        this.logger.warn(`rate limit "${rule.name}" not enforced (failing open): ${(error as Error).message}`);
      }
      return { allowed: true, limit: rule.limit, remaining: rule.limit, resetSeconds: rule.windowSeconds, degraded: true };
    }
  }
}
