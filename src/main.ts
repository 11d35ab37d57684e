import 'reflect-metadata';
import cluster from 'node:cluster';
import type { INestApplication } from '@nestjs/common';
import { apiProcessCount, runApiPrimary, START_UP_PROCESS } from './api-cluster';
import { loadConfigOrExit } from './config/config.loader';
import type { AppConfig } from './config/config.schema';
import { inApiCluster } from './metrics/cluster-metrics';
import { ApiKeysService } from './auth/api-keys.service';
import { saveGeneratedAdminToken } from './auth/admin-token-file';
import { closeOnSignals } from './common/shutdown';
import { CatalogService } from './exercises/catalog.service';
import { createHttpApp } from './http-app';

// The application is built only where it runs: the primary of several API processes never builds one.
const createApp = (config: AppConfig) => createHttpApp(config);

/** What runs once however many API processes serve: the admin key, the shipped catalog. */
async function startOnce(app: INestApplication, config: AppConfig): Promise<void> {
  const { generated } = await app.get(ApiKeysService).ensureAdmin(config.MEMGRADE_ADMIN_TOKEN);
  if (generated) {
    const path = saveGeneratedAdminToken(generated);
    process.stdout.write(`memgrade: generated the first admin API key (shown once, also saved to ${path}):\n  ${generated}\n`);
  }
  // The shipped catalog becomes course python-memory; unchanged exercises cost nothing.
  if (config.PUBLISH_CATALOG) await app.get(CatalogService).publishCatalog();
}

async function serve(app: INestApplication, config: AppConfig): Promise<void> {
  closeOnSignals(app, config.SHUTDOWN_TIMEOUT_SECONDS * 1000, (error) => process.stderr.write(`memgrade: API did not stop cleanly: ${error.message}\n`));
  await app.listen(config.PORT);
  process.stdout.write(`memgrade API listening on http://localhost:${config.PORT} (OpenAPI: /docs, /openapi.json)\n`);
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  // One of several API processes (api-cluster.ts): the start-up process did the one-time start-up.
  if (inApiCluster()) return serve(await createApp(config), config);
  if (cluster.isWorker && process.env[START_UP_PROCESS] === '1') {
    const app = await createApp(config);
    await startOnce(app, config);
    await app.close();
    process.exit(0);
  }
  const processes = apiProcessCount(config.API_PROCESSES);
  if (processes === 1) {
    const app = await createApp(config);
    await startOnce(app, config);
    return serve(app, config);
  }
  // The primary serves no requests: a start-up process runs first, then the API processes, which share PORT.
  runApiPrimary(processes, (line) => process.stderr.write(`${line}\n`));
  process.stdout.write(`memgrade API: ${processes} processes on port ${config.PORT} (API_PROCESSES=${config.API_PROCESSES})\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`memgrade: API failed to start: ${error.message}\n`);
  process.exit(1);
});
