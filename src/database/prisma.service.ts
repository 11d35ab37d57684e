import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { AppConfigService } from '../config/app-config';
import { PrismaClient } from '../generated/prisma/client';

/** The one owner of the database connection pool. */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(PrismaService.name);

  constructor(config: AppConfigService) {
    super({ adapter: new PrismaPg({ connectionString: config.values.DATABASE_URL, max: 10, connectionTimeoutMillis: 3000 }) });
  }

  async onModuleInit(): Promise<void> {
    // A database that is down at boot is reported by /health rather than crashing the process:
    // the pool connects lazily and recovers by itself when Postgres comes back.
    await this.$connect().catch((error: Error) => this.logger.error(`database not reachable at start-up: ${error.message}`));
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}
