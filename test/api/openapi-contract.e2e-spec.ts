// The OpenAPI document is the contract the web pages and the CLI are typed from (web/src/generated/api.d.ts):
// every route of the running app is in it, each with its success response and the schema of its body,
// and the committed openapi.json is what the app serves.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { Express } from 'express';
import request from 'supertest';
import { ADMIN_QUEUES_PATH } from '../../src/admin-queues/admin-queues.module';
import { startApi } from '../support/platform';

type Schema = { $ref?: string; type?: string; items?: Schema; allOf?: Schema[] };
type Operation = { responses?: Record<string, { content?: Record<string, { schema?: Schema }> }> };
type Document = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
/** Swagger UI's own routes: the document does not describe itself. */
const DOCUMENTATION_ROUTE = /^\/(docs(-json|-yaml)?|openapi\.json)(\/|$)/;
/** Nest mounts middleware for every route (nestjs-pino's request logger) as a route of this path: no endpoint. */
const EVERY_ROUTE = '{/*splat}';

/** A JSON body's schema names a component or describes an object (or an array of either). */
const describesJson = (schema: Schema | undefined): boolean =>
  !!schema && (!!schema.$ref || schema.type === 'object' || (schema.type === 'array' && describesJson(schema.items)) || (schema.allOf ?? []).some(describesJson));

/** What is wrong with an operation's success responses, or null. */
function problemOf(operation: Operation): string | null {
  const successes = Object.entries(operation.responses ?? {}).filter(([status]) => /^[23]\d\d$/.test(status));
  if (!successes.length) return 'no 2xx or 3xx response';
  for (const [status, response] of successes) {
    // No Content has no body, a redirect only its Location.
    if (status === '204' || status.startsWith('3')) continue;
    const contents = Object.entries(response.content ?? {});
    if (!contents.length) return `${status} has no content`;
    for (const [type, { schema }] of contents) {
      if (!schema) return `${status} ${type} has no schema`;
      if (type.includes('json') && !describesJson(schema)) return `${status} ${type} is neither a $ref nor an object schema`;
    }
  }
  return null;
}

/** Every route the Express app answers (what Nest registered), as "METHOD /path/{param}". */
function registeredRoutes(app: INestApplication): string[] {
  const express = app.getHttpAdapter().getInstance() as Express & { router: { stack: { route?: { path: string | string[]; methods: Record<string, boolean> } }[] } };
  const routes = new Set<string>();
  for (const { route } of express.router.stack) {
    if (!route) continue; // middleware: body parsers, the queue dashboard's router
    for (const path of [route.path].flat()) {
      if (path === EVERY_ROUTE || DOCUMENTATION_ROUTE.test(path)) continue;
      for (const method of Object.keys(route.methods).filter((m) => route.methods[m] && METHODS.includes(m))) {
        routes.add(`${method.toUpperCase()} ${path.replace(/:(\w+)/g, '{$1}')}`);
      }
    }
  }
  // The queue dashboard is a router mounted on Express (bull-board), not a route: its entry page.
  routes.add(`GET ${ADMIN_QUEUES_PATH}`);
  return [...routes].sort();
}

describe('the OpenAPI document (GET /openapi.json)', () => {
  let app: INestApplication;
  let document: Document;

  beforeAll(async () => {
    app = await startApi();
    document = (await request(app.getHttpServer()).get('/openapi.json').expect(200).expect('content-type', /json/)).body as Document;
  });
  afterAll(async () => {
    await app.close();
  });

  const operations = () =>
    Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => METHODS.includes(method))
        .map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, operation })),
    );

  it('documents every route the app serves, and none it does not', () => {
    const documented = operations()
      .map(({ route }) => route)
      .sort();
    const routes = registeredRoutes(app);
    expect(routes.length).toBeGreaterThan(60);
    expect(routes.filter((route) => !documented.includes(route))).toEqual([]);
    expect(documented.filter((route) => !routes.includes(route))).toEqual([]);
  });

  it('gives every route a success response with the schema of its body, naming the routes that lack one', () => {
    const lacking = operations()
      .map(({ route, operation }) => [route, problemOf(operation)] as const)
      .filter(([, problem]) => problem !== null)
      .map(([route, problem]) => `${route}: ${problem}`);
    expect(lacking).toEqual([]);
  });

  it('resolves every $ref, and describes the shared error body', () => {
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((match) => match[1]);
    expect(refs.filter((name) => !(name in document.components.schemas))).toEqual([]);
    const error = document.components.schemas.ErrorBodyDto as { required: string[] };
    expect(error.required).toEqual(expect.arrayContaining(['statusCode', 'error', 'message']));
    expect(document.paths['/api/v1/submissions'].post.responses?.default.content?.['application/json'].schema).toEqual({ $ref: '#/components/schemas/ErrorBodyDto' });
  });

  it('gives non-JSON answers their own content type: CSV, Server-Sent Events, HTML pages, Prometheus text, a redirect', () => {
    const types = (path: string, method: string, status: string) => Object.keys(document.paths[path][method].responses?.[status]?.content ?? {});
    expect(types('/api/v1/courses/{courseSlug}/gradebook', 'get', '200')).toEqual(['application/json', 'text/csv']);
    expect(types('/api/v1/submissions/{id}/events', 'get', '200')).toEqual(['text/event-stream']);
    expect(types('/lti/launch', 'post', '200')).toEqual(['text/html']);
    expect(types('/', 'get', '200')).toEqual(['text/html']);
    expect(types('/metrics', 'get', '200')).toEqual(['text/plain']);
    expect(Object.keys(document.paths['/lti/login'].get.responses ?? {})).toContain('302');
  });

  it('is the committed openapi.json (npm run api:types writes it, npm run check:api compares)', () => {
    const committed = JSON.parse(readFileSync(join(__dirname, '../../openapi.json'), 'utf8')) as Document;
    expect(document).toEqual(committed);
  });
});
