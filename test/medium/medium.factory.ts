import { BullModule, getQueueToken } from '@nestjs/bullmq';
import { type DynamicModule, Global, Module, type LoggerService, type Type } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import type { Queue } from 'bullmq';
import { AppModule } from '../../src/app.module';
import { ApiKeysService } from '../../src/auth/api-keys.service';
import type { Principal } from '../../src/auth/principal';
import { loadConfig } from '../../src/config/config.loader';
import { PrismaService } from '../../src/database/prisma.service';
import type { Role } from '../../src/generated/prisma/enums';
import { SubmissionGrader } from '../../src/results/grade-outcome';
import { GradingRunRepository } from '../../src/grading/grading-run.repository';
import { GradingService } from '../../src/grading/grading.service';
import { bullConnection, QueueModule } from '../../src/queue/queue.module';
import { GRADING_QUEUE, gradingJobOptions, WEBHOOKS_QUEUE, webhookJobOptions } from '../../src/queue/queues';
import { TRY_RUNS_QUEUE, tryRunJobOptions } from '../../src/queue/try-runs';
import { OutboxRelayModule } from '../../src/events/events.module';
import { WebhooksModule } from '../../src/webhooks/webhooks.module';
import { TestData } from '../support/fixtures';
import { cloneDatabase } from './medium-databases';
import { currentRun, currentWorker, databaseUrlFor, mediumRedisUrl, queuePrefix, templateDatabase, workerDatabase } from './medium-env';

/**
 * The medium tier: the platform's services wired by Nest as the API wires them (AppModule), on
 * this Jest worker's own Postgres database (cloned from the run's migrated template) and real
 * Redis (database 14, under a queue prefix of this worker's own, which no worker consumes) —
 * without HTTP and without Docker. Rows from earlier spec files of the same worker stay: make
 * fresh ones with `ctx.data` and query by their ids, never the whole table.
 */
export interface MediumContext {
  module: TestingModule;
  prisma: PrismaService;
  data: TestData;
  get<T>(type: Type<T>): T;
  /** The queue as its producers see it (jobs stay waiting: nothing consumes them here). */
  queue(name: typeof GRADING_QUEUE | typeof WEBHOOKS_QUEUE): Queue;
  /** A new user of `role` with a key, and the Principal the API would resolve from that key. */
  newPrincipal(role: Role, options?: { courseId?: string }): Promise<{ principal: Principal; key: string; userId: string }>;
  close(): Promise<void>;
}

export interface MediumOptions {
  /**
   * Where the worker would run the sandbox. Only GradingService needs one; the sandbox and its
   * harness are tested in test/sandbox, test/submissions and test/catalog.
   */
  grader?: SubmissionGrader;
}

/** The queues on a prefix of this worker's own, in place of QueueModule's shared "memgrade" prefix. */
@Global()
@Module({})
class MediumQueueModule {
  static forRoot(redisUrl: string, prefix: string): DynamicModule {
    return {
      module: MediumQueueModule,
      imports: [
        BullModule.forRoot({ connection: bullConnection(redisUrl), prefix }),
        BullModule.registerQueue(
          { name: GRADING_QUEUE, defaultJobOptions: gradingJobOptions },
          { name: WEBHOOKS_QUEUE, defaultJobOptions: webhookJobOptions },
          { name: TRY_RUNS_QUEUE, defaultJobOptions: tryRunJobOptions },
        ),
      ],
      exports: [BullModule],
    };
  }
}

class NoGrader extends SubmissionGrader {
  grade(): never {
    throw new Error('this medium spec has no grader: pass one to startMedium({ grader })');
  }
}

const quiet: LoggerService = { log: () => undefined, error: () => undefined, warn: () => undefined, debug: () => undefined, verbose: () => undefined };

export async function startMedium(options: MediumOptions = {}): Promise<MediumContext> {
  const run = currentRun();
  const worker = currentWorker();
  const database = workerDatabase(run, worker);
  await cloneDatabase(templateDatabase(run), database);
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrlFor(database),
    REDIS_URL: mediumRedisUrl(),
    LOG_LEVEL: 'silent',
    PUBLISH_CATALOG: 'false',
  });
  // The API's own module graph (so a new module or provider there is wired here too), with the
  // queues moved to this worker's prefix, plus the worker's GradingService (and its repository), outbox relay and
  // WebhookDispatcher (its subscriber) without GradingModule, whose SandboxModule would need Docker.
  const builder = Test.createTestingModule({
    imports: [AppModule.forRoot(config), WebhooksModule, OutboxRelayModule],
    providers: [GradingService, GradingRunRepository, { provide: SubmissionGrader, useValue: options.grader ?? new NoGrader() }],
  })
    .overrideModule(QueueModule)
    .useModule(MediumQueueModule.forRoot(config.REDIS_URL, queuePrefix(run, worker)));
  if (!process.env.MEDIUM_LOGS) builder.setLogger(quiet);
  const module = await builder.compile();
  await module.init();
  const prisma = module.get(PrismaService);
  const data = new TestData(prisma);
  return {
    module,
    prisma,
    data,
    get: (type) => module.get(type),
    queue: (name) => module.get<Queue>(getQueueToken(name)),
    async newPrincipal(role, { courseId } = {}) {
      const user = await prisma.user.create({ data: { role, displayName: `${role}-${Math.random().toString(36).slice(2, 8)}` } });
      const { secret } = await module.get(ApiKeysService).issue(user.id, `${role} key`, { courseId });
      const principal = await module.get(ApiKeysService).authenticate(secret);
      return { principal: principal!, key: secret, userId: user.id };
    },
    close: () => module.close(),
  };
}
