import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { getQueueToken } from '@nestjs/bullmq';
import { Logger, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost, ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import type { NextFunction, Request, Response } from 'express';
import { ApiKeysService } from '../auth/api-keys.service';
import type { ErrorBody } from '../common/http/error-body';
import { GRADING_QUEUE, WEBHOOKS_QUEUE } from '../queue/queues';
import { adminKeyFrom } from './admin-credentials';

export const ADMIN_QUEUES_PATH = '/admin/queues';

/**
 * Bull Board (the grading and webhooks queues: jobs by state, their data, errors, retry/clean) at
 * /admin/queues, for admin keys only: the browser's sign-in prompt takes the admin key as password
 * (HTTP Basic), scripts send it as a bearer token. Mounted on the Express instance beside Nest's
 * routes, so the board's own router serves its pages, assets and JSON. A grading job removed here
 * is not a lost submission: the sweeper queues it again.
 */
@Module({})
export class AdminQueuesModule implements OnModuleInit {
  private readonly logger = new Logger(AdminQueuesModule.name);

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly moduleRef: ModuleRef,
    private readonly apiKeys: ApiKeysService,
  ) {}

  onModuleInit(): void {
    const httpAdapter = this.adapterHost.httpAdapter;
    if (!httpAdapter) return;
    const board = new ExpressAdapter();
    board.setBasePath(ADMIN_QUEUES_PATH);
    createBullBoard({
      queues: [GRADING_QUEUE, WEBHOOKS_QUEUE].map((name) => new BullMQAdapter(this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }))),
      serverAdapter: board,
      options: { uiConfig: { boardTitle: 'memgrade queues' } },
    });
    httpAdapter.getInstance().use(ADMIN_QUEUES_PATH, (request: Request, response: Response, next: NextFunction) => void this.admit(request, response, next), board.getRouter());
  }

  private async admit(request: Request, response: Response, next: NextFunction): Promise<void> {
    const refuse = (statusCode: number, error: string, message: string) => {
      if (statusCode === 401) response.setHeader('WWW-Authenticate', 'Basic realm="memgrade admin: the admin API key as password", charset="UTF-8"');
      response.status(statusCode).json({ statusCode, error, message } satisfies ErrorBody);
    };
    const key = adminKeyFrom(request.headers.authorization);
    if (!key) return refuse(401, 'unauthenticated', 'the queue dashboard needs an admin API key (as the password, any user name)');
    try {
      const principal = await this.apiKeys.authenticate(key);
      if (!principal) return refuse(401, 'unauthenticated', 'unknown or revoked API key');
      if (principal.role !== 'admin') return refuse(403, 'forbidden', `the queue dashboard is for admin keys; yours is ${principal.role}`);
    } catch (error) {
      this.logger.warn(`admin dashboard sign-in failed: ${(error as Error).message}`);
      return refuse(503, 'unavailable', 'cannot check the API key right now');
    }
    next();
  }
}
