import { Injectable } from '@nestjs/common';
import { PrismaService } from './prisma.service';

/** Whether Postgres answers, for callers that must tell an outage from a failure of their own (the worker's breaker). */
@Injectable()
export class DatabaseProbe {
  constructor(private readonly prisma: PrismaService) {}

  /** Resolves when Postgres answers a trivial query; rejects with the driver's error when it does not. */
  async ping(): Promise<void> {
    await this.prisma.$queryRaw`SELECT 1`;
  }
}
