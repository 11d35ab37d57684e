import { DomainError } from '../common/errors/domain-errors';

/**
 * A launch (or login initiation, or registration) that memgrade refuses: the browser gets a plain
 * page naming `reason`, and no session. Rendered by LtiPageFilter.
 */
export class LtiLaunchError extends DomainError {
  readonly status = 400;
  readonly code = 'invalid_launch';
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** A platform did not answer as the LTI specifications say (token, AGS, NRPS, registration). */
export class LtiPlatformError extends DomainError {
  readonly status = 502;
  readonly code = 'platform_error';
}
