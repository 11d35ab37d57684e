/** One problem with one input field, as clients show it next to the field. */
export interface FieldProblem {
  field: string;
  reason: string;
}

/**
 * Errors the domain raises on purpose. Services throw these; the one exception filter
 * (common/http/error.filter.ts) decides the HTTP status and body.
 */
export abstract class DomainError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  readonly problems: FieldProblem[];

  constructor(message: string, problems: FieldProblem[] = []) {
    super(message);
    this.name = new.target.name;
    this.problems = problems;
  }
}

export class InvalidInputError extends DomainError {
  readonly status = 400;
  readonly code = 'invalid_input';
  static field(field: string, reason: string): InvalidInputError {
    return new InvalidInputError(`${field} ${reason}`, [{ field, reason }]);
  }
}

export class UnauthenticatedError extends DomainError {
  readonly status = 401;
  readonly code = 'unauthenticated';
}

export class ForbiddenError extends DomainError {
  readonly status = 403;
  readonly code = 'forbidden';
}

export class NotFoundError extends DomainError {
  readonly status = 404;
  readonly code = 'not_found';
}

export class ConflictError extends DomainError {
  readonly status = 409;
  readonly code = 'conflict';
}

export class PayloadTooLargeError extends DomainError {
  readonly status = 413;
  readonly code = 'payload_too_large';
}

export class RateLimitedError extends DomainError {
  readonly status = 429;
  readonly code = 'rate_limited';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** A dependency (database, queue) is down: the client may retry later. */
export class ServiceUnavailableError extends DomainError {
  readonly status = 503;
  readonly code = 'service_unavailable';
}

/**
 * A submission the exercise's deadline rules refuse: the due date passed under the closed policy
 * (`deadline_passed`) or the attempt limit is used up (`attempt_limit_reached`).
 */
export class SubmissionRefusedError extends DomainError {
  readonly status = 403;
  constructor(
    readonly code: 'deadline_passed' | 'attempt_limit_reached',
    message: string,
    problems: FieldProblem[] = [],
  ) {
    super(message, problems);
  }
}
