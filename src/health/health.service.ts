import { Injectable } from '@nestjs/common';
import { within } from '../common/time/within';
import { DatabaseProbe } from '../database/database-probe';
import { RedisService } from '../redis/redis.module';
import { HEARTBEAT_KEY_PREFIX, HEARTBEAT_STALE_MS, type WorkerHeartbeat } from './worker-heartbeat';
import type { HealthCheck, HealthReport } from './dto/health-report.dto';

const CHECK_TIMEOUT_MS = 1_500;

async function timed(what: string, probe: () => Promise<unknown>): Promise<HealthCheck> {
  const started = performance.now();
  try {
    await within(probe(), CHECK_TIMEOUT_MS, what);
    return { status: 'up', latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { status: 'down', error: (error as Error).message.split('\n')[0] };
  }
}

/**
 * Checks every dependency on each call, so the report recovers by itself when a service comes
 * back. Docker is reported from the workers' heartbeats: only workers talk to Docker.
 */
@Injectable()
export class HealthService {
  constructor(
    private readonly database: DatabaseProbe,
    private readonly redis: RedisService,
  ) {}

  async report(): Promise<HealthReport> {
    const [postgres, redis] = await Promise.all([timed('postgres', () => this.database.ping()), timed('redis', () => this.redis.ping())]);
    const docker = redis.status === 'up' ? await this.dockerFromHeartbeats() : { status: 'unknown' as const, error: 'redis is down' };
    const status = postgres.status === 'down' || redis.status === 'down' ? 'down' : docker.status === 'up' ? 'ok' : 'degraded';
    return { status, checks: { postgres, redis, docker } };
  }

  private async dockerFromHeartbeats(): Promise<HealthCheck> {
    try {
      const keys = await within(this.scanHeartbeatKeys(), CHECK_TIMEOUT_MS, 'redis');
      const beats = keys.length ? await this.redis.client.mget(keys) : [];
      const now = Date.now();
      // A beat older than HEARTBEAT_STALE_MS is a worker that stopped (or cannot reach Redis): not counted.
      const workers = beats
        .filter((beat): beat is string => !!beat)
        .map((beat) => JSON.parse(beat) as WorkerHeartbeat)
        .filter((worker) => now - Date.parse(worker.at) <= HEARTBEAT_STALE_MS);
      if (!workers.length) return { status: 'unknown', workers: 0, error: 'no worker is running' };
      const up = workers.filter((worker) => worker.docker === 'up');
      const paused = workers.filter((worker) => worker.grading === 'paused').length;
      return up.length
        ? { status: 'up', workers: workers.length, workersWithDocker: up.length, workersPaused: paused }
        : { status: 'down', workers: workers.length, workersWithDocker: 0, workersPaused: paused, error: workers[0].dockerError ?? 'docker is unreachable' };
    } catch (error) {
      return { status: 'unknown', error: (error as Error).message };
    }
  }

  private async scanHeartbeatKeys(): Promise<string[]> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await this.redis.client.scan(cursor, 'MATCH', `${HEARTBEAT_KEY_PREFIX}*`, 'COUNT', 200);
      keys.push(...batch);
      cursor = next;
    } while (cursor !== '0');
    return keys;
  }
}
