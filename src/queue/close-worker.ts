import type { Worker } from 'bullmq';
import { within } from '../common/time/within';

/** How long the worker's blocking connection may take to be read before the close goes on without it. */
const BLOCKING_CLIENT_WAIT_MS = 1_000;

/**
 * Closes a BullMQ worker as `worker.close()` does (running jobs finish, no new ones are taken),
 * without the hang of a close called while the blocking connection waits to reconnect. BullMQ 6.7
 * ends the close by disconnecting the worker's blocking connection and waiting for its "end"; when
 * that connection is waiting between two reconnect attempts (after Redis went away, for up to the
 * retry delay after it came back), ioredis 5.11's disconnect() only cancels the next attempt and no
 * "end" ever comes (taskforcesh/bullmq#4656, redis/ioredis#2169), so the process never exits.
 * Starting that attempt now gives the disconnect a connection to end, whether Redis answers or not.
 * (While Redis stays away the close still waits for it, to quit the main connection;
 * closeOnSignals bounds that.)
 */
export async function closeWorker(worker: Worker): Promise<void> {
  const reading = worker.backend.blockingClient;
  const blocking = reading && (await within(reading, BLOCKING_CLIENT_WAIT_MS, 'the blocking connection').catch(() => undefined));
  // The attempt's own failure (Redis still away) is the reconnect logic's to report, not the close's.
  if (blocking?.status === 'reconnecting') blocking.connect().catch(() => undefined);
  await worker.close();
}
