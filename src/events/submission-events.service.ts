import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { RedisService } from '../redis/redis.module';

export const SUBMISSION_EVENTS_CHANNEL = 'memgrade:submission-events';

/** A submission changed status; published by whoever changed it (API, worker), read by SSE streams. */
export interface SubmissionStatusEvent {
  submissionId: string;
  status: 'queued' | 'running' | 'graded' | 'error';
  score?: number | null;
  at: string;
}

type Listener = (event: SubmissionStatusEvent) => void;

/**
 * Status changes over Redis pub/sub, so an API instance can stream them to browsers whichever
 * worker did the grading. Publishing is best effort (SSE streams also re-read the database), and
 * one subscriber connection per process fans out to all of its streams.
 */
@Injectable()
export class SubmissionEventsService implements OnModuleDestroy {
  private readonly logger = new Logger(SubmissionEventsService.name);
  private readonly listeners = new Map<string, Set<Listener>>();
  private subscriber?: Redis;

  constructor(private readonly redis: RedisService) {}

  async publish(event: Omit<SubmissionStatusEvent, 'at'>): Promise<void> {
    try {
      await this.redis.client.publish(SUBMISSION_EVENTS_CHANNEL, JSON.stringify({ ...event, at: new Date().toISOString() }));
    } catch (error) {
      this.logger.debug(`status event not published: ${(error as Error).message}`);
    }
  }

  /** Calls `listener` for each status event of one submission until the returned function is called. */
  listen(submissionId: string, listener: Listener): () => void {
    this.ensureSubscribed();
    const set = this.listeners.get(submissionId) ?? new Set<Listener>();
    set.add(listener);
    this.listeners.set(submissionId, set);
    return () => {
      set.delete(listener);
      if (!set.size) this.listeners.delete(submissionId);
    };
  }

  onModuleDestroy(): void {
    this.subscriber?.disconnect();
  }

  private ensureSubscribed(): void {
    if (this.subscriber) return;
    this.subscriber = this.redis.client.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null });
    this.subscriber.on('error', () => undefined);
    void this.subscriber.subscribe(SUBMISSION_EVENTS_CHANNEL).catch((error: Error) => this.logger.warn(`cannot subscribe: ${error.message}`));
    this.subscriber.on('message', (_channel: string, message: string) => {
      let event: SubmissionStatusEvent;
      try {
        event = JSON.parse(message) as SubmissionStatusEvent;
      } catch {
        return;
      }
      for (const listener of this.listeners.get(event.submissionId) ?? []) listener(event);
    });
  }
}
