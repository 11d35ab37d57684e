import { Logger } from '@nestjs/common';
import type { RedisService } from '../redis/redis.module';
import { RATE_LIMIT_REDIS_TIMEOUT_MS, RateLimitService } from './rate-limit.service';

const rule = { name: 'submissions', limit: 3, windowSeconds: 60 };
const serviceWith = (evalImpl: (...args: unknown[]) => Promise<unknown>) => {
  const evalMock = jest.fn(evalImpl);
  return { service: new RateLimitService({ client: { eval: evalMock } } as unknown as RedisService), evalMock };
};

describe('RateLimitService', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('reads the script reply: allowed, remaining, seconds until a slot frees', async () => {
    const { service, evalMock } = serviceWith(async () => [1, 2, 59_001]);
    await expect(service.consume(rule, 'key:k1')).resolves.toEqual({ allowed: true, limit: 3, remaining: 2, resetSeconds: 60, degraded: false });
    expect(evalMock).toHaveBeenCalledWith(expect.stringContaining('ZREMRANGEBYSCORE'), 1, 'memgrade:ratelimit:submissions:key:k1', '60000', '3', expect.any(String));
  });

  it('refuses with at least one second to wait', async () => {
    const { service } = serviceWith(async () => [0, 0, 20]);
    await expect(service.consume(rule, 'key:k1')).resolves.toMatchObject({ allowed: false, remaining: 0, resetSeconds: 1 });
  });

  it('fails open when Redis errors', async () => {
    const { service } = serviceWith(async () => {
      throw new Error("Stream isn't writeable and enableOfflineQueue options is false");
    });
    await expect(service.consume(rule, 'key:k1')).resolves.toMatchObject({ allowed: true, degraded: true });
  });

  it('fails open, promptly, when Redis does not answer', async () => {
    const { service } = serviceWith(() => new Promise(() => undefined));
    const started = Date.now();
    await expect(service.consume(rule, 'key:k1')).resolves.toMatchObject({ allowed: true, degraded: true });
    expect(Date.now() - started).toBeLessThan(RATE_LIMIT_REDIS_TIMEOUT_MS + 500);
  });
});
