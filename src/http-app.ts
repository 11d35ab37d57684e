import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { json, urlencoded } from 'express';
import { Logger } from 'nestjs-pino';
import { QUEUE_DASHBOARD_PATH } from './admin-queues/queue-dashboard.openapi';
import { AppModule } from './app.module';
import { ErrorBodyDto } from './common/http/dto/error-body.dto';
import { createValidationPipe } from './common/http/validation';
import type { AppConfig } from './config/config.schema';

/** Request bodies above this are refused with 413 before they are parsed. */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

/** Builds the HTTP application (used by main.ts and by the e2e tests, so both run the same thing). */
export async function createHttpApp(config: AppConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), { bodyParser: false, bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.use(json({ limit: MAX_BODY_BYTES }), urlencoded({ extended: false, limit: MAX_BODY_BYTES }));
  app.disable('x-powered-by');
  app.useGlobalPipes(createValidationPipe());
  // Built on the first request for it, not at every start (about 0.4 s of CPU: every route and DTO is scanned).
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), { jsonDocumentUrl: 'openapi.json' });
  return app;
}

/** The OpenAPI description of every API route (served at /openapi.json and /docs). */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('memgrade API')
      .setDescription('Grading of Python memory management: submissions, exercises, courses. Authenticate with `Authorization: Bearer <api key>`.')
      .setVersion('1')
      .addBearerAuth()
      .addBasicAuth()
      .addGlobalResponse({ status: 'default', description: 'an error: 4xx for the request (fields names the input at fault), 5xx for the server', type: ErrorBodyDto })
      .build(),
  );
  return { ...document, paths: { ...document.paths, ...QUEUE_DASHBOARD_PATH } };
}
