import type { INestApplicationContext } from '@nestjs/common';

/**
 * Closes the application on SIGTERM or SIGINT (finishing running jobs and requests, releasing
 * connections) and exits 0; a second signal exits at once. Nest's enableShutdownHooks re-raises
 * the signal after closing, which makes a clean stop look like a crash to supervisors.
 */
export function closeOnSignals(app: INestApplicationContext, onError: (error: Error) => void): void {
  let closing = false;
  const handler = (signal: NodeJS.Signals) => {
    if (closing) process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
    closing = true;
    app.close().then(
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
