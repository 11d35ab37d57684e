import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { OutboundPolicy, type HostResolver } from '../../src/common/http/outbound-url';
import { within } from '../../src/common/time/within';
import { loadConfig } from '../../src/config/config.loader';
import type { AppConfig } from '../../src/config/config.schema';
import { PrismaService } from '../../src/database/prisma.service';
import { createHttpApp } from '../../src/http-app';
import { WorkerModule } from '../../src/worker.module';

/**
 * The e2e suite sends no DNS query off the machine: names in webhook URLs (lms.example.edu …) do
 * not resolve, as on a machine without DNS; specs that need names inject their own table
 * (OutboundPolicy.useResolver), and receivers are on 127.0.0.1.
 */
export const offlineResolver: HostResolver = async (name) => {
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name} (the e2e suite resolves no names)`), { code: 'ENOTFOUND' });
};

/** The configuration the e2e suite runs with (this Jest worker's database and Redis database), with overrides. */
export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  return loadConfig({ ...process.env, ...overrides });
}

/** The real HTTP application, as main.ts builds it, listening on no port (supertest drives it). */
export async function startApi(overrides: Record<string, string> = {}): Promise<INestApplication> {
  const app = await createHttpApp(testConfig(overrides));
  app.get(OutboundPolicy).useResolver(offlineResolver);
  await app.init();
  return app;
}

/** The real worker, as worker.ts builds it: consumes the grading queue and runs the sandbox. */
export async function startWorker(overrides: Record<string, string> = {}): Promise<INestApplicationContext> {
  const worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(testConfig(overrides)), { logger: false });
  worker.get(OutboundPolicy).useResolver(offlineResolver);
  await worker.init();
  return worker;
}

/**
 * Closes an API or worker, or fails after `withinMs` naming `what`. One that hangs (a queue client
 * wedged by a Redis fault, say) has its database pool closed first, so it cannot outlive its file and
 * break the next file of the same Jest worker.
 */
export async function closeWithin(context: INestApplicationContext | undefined, what: string, withinMs = 20_000): Promise<void> {
  if (!context) return;
  try {
    await within(context.close(), withinMs, `${what}'s close()`);
  } catch (error) {
    await context
      .get(PrismaService, { strict: false })
      ?.$disconnect()
      .catch(() => undefined);
    throw error;
  }
}
