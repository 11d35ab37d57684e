import type { PathItemObject } from '@nestjs/swagger';
import { ADMIN_QUEUES_PATH } from './admin-queues.module';

/**
 * The queue dashboard is bull-board's own Express router, not a Nest route, so Swagger does not
 * find it: its entry page is written into the OpenAPI document here (http-app.ts).
 */
export const QUEUE_DASHBOARD_PATH: Record<string, PathItemObject> = {
  [ADMIN_QUEUES_PATH]: {
    get: {
      tags: ['operations'],
      summary: 'The queue dashboard (bull-board): grading and webhooks jobs by state, their data and errors, retry and clean (admin keys)',
      description: 'HTTP Basic with the admin API key as the password (the browser asks), or the key as a bearer token. Its pages, assets and JSON are under this path.',
      security: [{ basic: [] }, { bearer: [] }],
      responses: {
        '200': { description: 'the dashboard page', content: { 'text/html': { schema: { type: 'string' } } } },
        '401': { description: 'no key, or an unknown one (WWW-Authenticate: Basic)', content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBodyDto' } } } },
        '403': { description: 'not an admin key', content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBodyDto' } } } },
      },
    },
  },
};
