import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { isDatabaseUnavailable, isRedisUnavailable } from '../../database/prisma-errors';
import { DomainError, RateLimitedError, ServiceUnavailableError } from '../errors/domain-errors';
import type { ErrorBody } from './error-body';

/** What a client is told to wait before retrying when a dependency is down. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

const STATUS_CODES: Record<number, string> = {
  400: 'invalid_input',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'rate_limited',
  503: 'service_unavailable',
};

/**
 * The single place that decides what the outside sees of an error. Domain errors and Nest's
 * HTTP exceptions keep their status; anything else is a 500 whose details stay in the log,
 * reported to the client only by its request id.
 */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const unavailable = unavailableDependency(exception);
    const body = this.toBody(unavailable ?? exception);
    body.requestId = String(request.id ?? '');
    if (unavailable) {
      this.logger.warn({ err: exception, requestId: body.requestId }, `${request.method} ${request.path}: ${unavailable.message}`);
    } else if (body.statusCode >= 500) {
      this.logger.error({ err: exception, requestId: body.requestId }, `unhandled error on ${request.method} ${request.path}`);
    }
    if (exception instanceof RateLimitedError) response.setHeader('Retry-After', String(exception.retryAfterSeconds));
    if (body.statusCode === 503) response.setHeader('Retry-After', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
    if (response.headersSent) return;
    response.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof DomainError) {
      return {
        statusCode: exception.status,
        error: exception.code,
        message: exception.message,
        ...(exception.problems.length ? { fields: exception.problems } : {}),
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const payload = exception.getResponse();
      // Nest wraps body-parser's errors; their own messages are parser internals.
      const parserType = (exception.cause as { type?: unknown } | undefined)?.type;
      const message =
        typeof parserType === 'string'
          ? describeParserError(parserType, status)
          : typeof payload === 'string'
            ? payload
            : String((payload as { message?: unknown }).message ?? exception.message);
      return { statusCode: status, error: STATUS_CODES[status] ?? 'error', message };
    }
    return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, error: 'internal_error', message: 'internal error; quote the request id when reporting it' };
  }
}

/**
 * A 503 for errors that mean a dependency is down (the database, Redis) rather than a bug: the
 * request may succeed when retried, and the client is told so instead of seeing a 500.
 */
function unavailableDependency(exception: unknown): ServiceUnavailableError | null {
  if (exception instanceof DomainError || exception instanceof HttpException) return null;
  if (isDatabaseUnavailable(exception)) return new ServiceUnavailableError(`the database is not reachable; retry in ${UNAVAILABLE_RETRY_AFTER_SECONDS} s`);
  if (isRedisUnavailable(exception)) return new ServiceUnavailableError(`the queue (Redis) is not reachable; retry in ${UNAVAILABLE_RETRY_AFTER_SECONDS} s`);
  return null;
}

function describeParserError(type: string, status: number): string {
  if (type === 'entity.parse.failed') return 'request body is not valid JSON';
  if (type === 'entity.too.large') return 'request body is too large';
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') return 'request body encoding is not supported';
  return status === 413 ? 'request body is too large' : 'malformed request';
}
