import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { within } from '../common/time/within';
import { GRADING_QUEUE } from '../queue/queues';
import { RedisService } from '../redis/redis.module';
import { BackpressureRepository } from './backpressure.repository';
import { readGradingCapacity } from './grading-capacity';
import { estimateWaitSeconds, type QueuePlace } from './queue-estimate';

/** Grading times averaged for the estimate, and how long figures that change slowly are reused. */
const RECENT_GRADINGS = 50;
const RECENT_TTL_MS = 10_000;
const CAPACITY_TTL_MS = 3_000;
/** Until anything was graded, an estimate assumes this much per grading (the catalog's median is about 1.5 s). */
const DEFAULT_GRADING_MS = 1_500;
/** A view never waits longer than this on Redis for its place. */
const REDIS_TIMEOUT_MS = 500;

interface Cached<T> {
  value: T;
  until: number;
}

/**
 * Where a queued submission stands: its place in BullMQ's line (the wait list runs first, oldest
 * first; then the prioritized set in priority order, FIFO within one priority), the live workers'
 * slots and the recent mean grading time. Three Redis reads in one MULTI; the rest is cached.
 */
@Injectable()
export class QueuePositionService {
  private readonly logger = new Logger(QueuePositionService.name);
  private capacity?: Cached<{ workers: number; slots: number }>;
  private recent?: Cached<number | null>;

  constructor(
    @InjectQueue(GRADING_QUEUE) private readonly queue: Queue,
    private readonly redis: RedisService,
    private readonly submissions: BackpressureRepository,
  ) {}

  async placeOf(jobId: string | null): Promise<QueuePlace> {
    const unknown: QueuePlace = { state: 'unknown', position: null, ahead: null, estimatedWaitSeconds: null, workers: 0, slots: 0, recentGradingSeconds: null };
    if (!jobId) return unknown;
    try {
      return await within(this.read(jobId), REDIS_TIMEOUT_MS, 'Redis');
    } catch (error) {
      this.logger.debug({ jobId, error: (error as Error).message }, 'queue place unknown');
      return unknown;
    }
  }

  private async read(jobId: string): Promise<QueuePlace> {
    const { keys } = this.queue;
    const [line, capacity, recentMs] = await Promise.all([
      this.redis.client.multi().zrank(keys.prioritized, jobId).llen(keys.wait).lpos(keys.wait, jobId).llen(keys.active).zscore(keys.delayed, jobId).exec(),
      this.cachedCapacity(),
      this.cachedRecentGradingMs(),
    ]);
    const [rank, waitLength, waitIndex, active, delayed] = (line ?? []).map(([error, value]) => (error ? null : value)) as [
      number | null,
      number,
      number | null,
      number,
      string | null,
    ];
    let ahead: number | null = null;
    // The wait list is pushed on the left and taken from the right: the job at index i has (length - 1 - i) before it.
    if (waitIndex !== null) ahead = waitLength - 1 - waitIndex;
    else if (rank !== null) ahead = waitLength + rank;
    const base = { ...capacity, recentGradingSeconds: recentMs === null ? null : Math.round(recentMs / 100) / 10 };
    if (ahead === null) return { state: delayed !== null ? 'retrying' : 'unknown', position: null, ahead: null, estimatedWaitSeconds: null, ...base };
    const estimatedWaitSeconds = estimateWaitSeconds({ ahead, slots: capacity.slots, active: Number(active) || 0, meanGradingMs: recentMs ?? DEFAULT_GRADING_MS });
    return { state: 'waiting', position: ahead + 1, ahead, estimatedWaitSeconds, ...base };
  }

  private async cachedCapacity() {
    if (this.capacity && this.capacity.until > Date.now()) return this.capacity.value;
    const value = await readGradingCapacity(this.redis);
    this.capacity = { value, until: Date.now() + CAPACITY_TTL_MS };
    return value;
  }

  /** Mean durationMs of the last graded submissions. */
  private async cachedRecentGradingMs(): Promise<number | null> {
    if (this.recent && this.recent.until > Date.now()) return this.recent.value;
    const durations = await this.submissions.recentGradingDurations(RECENT_GRADINGS);
    const value = durations.length ? durations.reduce((sum, ms) => sum + ms, 0) / durations.length : null;
    this.recent = { value, until: Date.now() + RECENT_TTL_MS };
    return value;
  }
}
