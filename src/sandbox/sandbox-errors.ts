/**
 * The infrastructure failed (engine unreachable, image missing, container could not be made).
 * Says nothing about the submission, so the job may be retried. run() reports it as the verdict
 * sandbox_error; ping() and ensureImage() throw it.
 */
export class SandboxInfrastructureError extends Error {
  override readonly name = 'SandboxInfrastructureError';
  readonly retriable = true;
}

/** The request itself is wrong (a file path escaping /task, an empty argv …): a bug in the caller, not retriable. */
export class SandboxRequestError extends Error {
  override readonly name = 'SandboxRequestError';
  readonly retriable = false;
}

/** An error as one line, for a run's `error` and the logs. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message.replace(/\s+/g, ' ').trim() : String(error);
}
