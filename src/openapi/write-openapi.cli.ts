// `npm run api:types` (scripts/api-types.sh): writes the OpenAPI document of every route to the file
// named on the command line, without Postgres or Redis. The app is created in Nest's preview mode:
// modules and controllers are scanned (all the document needs) but no provider is instantiated,
// so nothing connects. The configuration is fixed, not read from the environment, so the document
// is the same on every machine; nothing in it depends on configuration.
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module';
import { loadConfig } from '../config/config.loader';
import { buildOpenApiDocument } from '../http-app';

const UNUSED_URLS = { DATABASE_URL: 'postgresql://unused@127.0.0.1:1/unused', REDIS_URL: 'redis://127.0.0.1:1' };

async function main(): Promise<void> {
  const [path] = process.argv.slice(2);
  if (!path) throw new Error('usage: write-openapi.cli.js <openapi.json>');
  const app = await NestFactory.create(AppModule.forRoot(loadConfig(UNUSED_URLS)), { preview: true, logger: false });
  writeFileSync(path, `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`);
  await app.close();
}

main().catch((error: Error) => {
  process.stderr.write(`memgrade: the OpenAPI document could not be written: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
