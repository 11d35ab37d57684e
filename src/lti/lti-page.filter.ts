import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError } from '../common/errors/domain-errors';
import { errorPage } from './lti-pages';

/**
 * The browser side of LTI answers with pages, not JSON: a refused launch, login or registration is
 * a plain page naming the reason (the status of its domain error); anything unexpected is a 500
 * page whose details stay in the log. The JSON API keeps the global ErrorFilter.
 */
@Catch()
export class LtiPageFilter implements ExceptionFilter {
  private readonly logger = new Logger('LtiPages');

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<Request>();
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) return;
    if (exception instanceof DomainError) return errorPage(response, exception.message, exception.status);
    if (exception instanceof HttpException) return errorPage(response, exception.message, exception.getStatus());
    this.logger.error({ err: exception, requestId: String(request.id ?? '') }, `unhandled error on ${request.method} ${request.path}`);
    errorPage(response, `memgrade failed on its side; quote request id ${String(request.id ?? '')} when reporting it`, 500);
  }
}
