import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '../../src/config/config.loader';
import type { AppConfig } from '../../src/config/config.schema';
import { createHttpApp } from '../../src/http-app';
import { WorkerModule } from '../../src/worker.module';

/** The configuration the e2e suite runs with (test database, Redis db 15), with overrides. */
export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  return loadConfig({ ...process.env, ...overrides });
}

/** The real HTTP application, as main.ts builds it, listening on no port (supertest drives it). */
export async function startApi(overrides: Record<string, string> = {}): Promise<INestApplication> {
  const app = await createHttpApp(testConfig(overrides));
  await app.init();
  return app;
}

/** The real worker, as worker.ts builds it: consumes the grading queue and runs the sandbox. */
export async function startWorker(overrides: Record<string, string> = {}): Promise<INestApplicationContext> {
  const worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(testConfig(overrides)), { logger: false });
  await worker.init();
  return worker;
}
