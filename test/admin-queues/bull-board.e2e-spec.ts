import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service';
import { TestData } from '../support/fixtures';
import { startApi } from '../support/platform';

const basic = (password: string) => `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;

describe('the Bull Board dashboard at /admin/queues', () => {
  let app: INestApplication;
  let admin: { key: string };
  let student: { key: string };

  beforeAll(async () => {
    app = await startApi({ PUBLISH_CATALOG: 'false' });
    const data = new TestData(app.get(PrismaService));
    admin = await data.newUser('admin');
    student = await data.newUser('student');
  });

  afterAll(async () => {
    await app?.close();
  });

  const http = () => request(app.getHttpServer());

  it('asks a browser to sign in (HTTP Basic) when no key comes, on the page, its assets and its API', async () => {
    for (const path of ['/admin/queues', '/admin/queues/api/queues', '/admin/queues/static/js/main.js']) {
      const response = await http().get(path).expect(401);
      expect(response.headers['www-authenticate']).toMatch(/^Basic realm="memgrade admin/);
      expect(response.body).toMatchObject({ statusCode: 401, error: 'unauthenticated', message: expect.stringContaining('admin API key') });
    }
  });

  it('refuses an unknown key (401) and a key that is not an admin (403)', async () => {
    await http().get('/admin/queues').set('Authorization', basic('mg_unknown_key')).expect(401);
    const forbidden = await http().get('/admin/queues').set('Authorization', basic(student.key)).expect(403);
    expect(forbidden.body).toMatchObject({ statusCode: 403, error: 'forbidden', message: expect.stringContaining('student') });
    await http().get('/admin/queues/api/queues').set('Authorization', `Bearer ${student.key}`).expect(403);
  });

  it('shows an admin the board and both queues, signed in with the key as password or as a bearer token', async () => {
    const page = await http().get('/admin/queues').set('Authorization', basic(admin.key)).expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('memgrade queues');
    const script = /<script[^>]+src="([^"]+)"/.exec(page.text)?.[1];
    // The page's assets resolve against its <base href>, under /admin/queues/, behind the same sign-in.
    const base = /<base href="([^"]+)"/.exec(page.text)?.[1];
    expect(base).toBe('/admin/queues/');
    await http().get(`${base}${script}`).set('Authorization', basic(admin.key)).expect(200);
    await http().get(`${base}${script}`).expect(401);
    const queues = await http().get('/admin/queues/api/queues').set('Authorization', `Bearer ${admin.key}`).expect(200);
    expect(queues.body.queues.map((queue: { name: string }) => queue.name).sort()).toEqual(['grading', 'webhooks']);
  });

  it('leaves the API routes and their 404s as they were', async () => {
    await http().get('/health').expect(200);
    const missing = await http().get('/admin/other').set('Authorization', `Bearer ${admin.key}`).expect(404);
    expect(missing.body).toMatchObject({ statusCode: 404 });
  });
});
