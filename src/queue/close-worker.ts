import type { RedisClient, Worker } from 'bullmq';
import { within } from '../common/time/within';
import { readyWithin } from '../redis/ready-within';

/**
 * How long the close waits for a Redis that is away, once this process runs no job, before it lets
 * go of it; also how long a connection of the worker may take to be read (never, while Redis was
 * never reached). Short: Nest closes the workers one after the other, and letting go costs at
 * most a job run twice, which grading, webhooks and score posts all expect.
 */
export const REDIS_AWAY_PATIENCE_MS = 300;

/**
 * Closes a BullMQ worker as `worker.close()` does (running jobs finish, no new ones are taken),
 * without the two hangs of that close around a Redis outage (BullMQ 6.7, ioredis 5.11):
 *
 * - A command that was on the wire when Redis went away (the main loop's fetch of the next job, a
 *   job's move to completed) is kept by ioredis to be sent again after a reconnect, and the close
 *   waits for it: while Redis stays away, forever. So once `jobs` says this process runs no job, a
 *   Redis that is still away after REDIS_AWAY_PATIENCE_MS is let go: the worker closes without
 *   waiting for it. Nothing is lost: a job whose completion did not reach Redis is still active
 *   there, and BullMQ's stalled-job check gives it to another worker (which skips a submission that
 *   is already graded).
 * - BullMQ ends the close by disconnecting the blocking connection and waiting for its "end"; when
 *   that connection waits between two reconnect attempts, disconnect() only cancels the next attempt
 *   and no "end" ever comes (taskforcesh/bullmq#4656, redis/ioredis#2169). Starting that attempt now
 *   gives the disconnect a connection to end, whether Redis answers or not.
 */
export async function closeWorker(worker: Worker, jobs: { none(): Promise<void> }): Promise<void> {
  const read = async (client: Promise<RedisClient> | undefined) => client && within(client, REDIS_AWAY_PATIENCE_MS, 'a connection of the worker').catch(() => undefined);
  const [main, blocking] = await Promise.all([read(worker.backend.client), read(worker.backend.blockingClient)]);
  // Takes no new job from here on; the running ones go on.
  await worker.pause(true);
  await jobs.none();
  // A worker whose connection was never ready has nothing on the wire to wait for either.
  const answering =
    main &&
    (await readyWithin(main, REDIS_AWAY_PATIENCE_MS).then(
      () => true,
      () => false,
    ));
  if (!answering) return worker.close(true);
  // The attempt's own failure (Redis away again) is the reconnect logic's to report, not the close's.
  if (blocking?.status === 'reconnecting') blocking.connect().catch(() => undefined);
  await worker.close();
}
