import type { INestApplicationContext } from '@nestjs/common';
import { within } from './time/within';

/**
 * Closes the application on SIGTERM or SIGINT (finishing running jobs and requests, releasing
 * connections) and exits 0; a second signal exits at once, and so (with 1, after `onError`) does a
 * close that is not over within `timeoutMs`: a process that waits for a Redis or Postgres that is
 * away must not stay up until a supervisor kills it, or forever without one. Nest's
 * enableShutdownHooks re-raises the signal after closing, which makes a clean stop look like a
 * crash to supervisors.
 */
export function closeOnSignals(app: INestApplicationContext, timeoutMs: number, onError: (error: Error) => void): void {
  let closing = false;
  const handler = (signal: NodeJS.Signals) => {
    if (closing) process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
    closing = true;
    within(app.close(), timeoutMs, 'closing (SHUTDOWN_TIMEOUT_SECONDS)').then(
      () => process.exit(0),
      (error: Error) => {
        onError(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}
