import { randomUUID } from 'node:crypto';
import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import type { Queue } from 'bullmq';
import request from 'supertest';
import { OutboundPolicy, type HostResolver } from '../../src/common/http/outbound-url';
import { PrismaService } from '../../src/database/prisma.service';
import { WEBHOOKS_QUEUE } from '../../src/queue/queues';
import { WebhookDispatcher } from '../../src/webhooks/webhook-dispatcher';
import { TestData } from '../support/fixtures';
import { startReceiver, waitUntil } from '../support/integrations';
import { startApi, startWorker } from '../support/platform';

/** A public address (documentation of the policy: only its being public matters; nothing connects to it). */
const PUBLIC = '93.184.215.14';

/** A resolver answering from a table the test changes at will: no real DNS anywhere. */
function tableResolver(table: Map<string, string>): HostResolver {
  return async (name) => {
    const address = table.get(name);
    if (!address) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    return [{ address, family: address.includes(':') ? 6 : 4 }];
  };
}

describe('webhooks cannot reach inside: the outbound address policy at registration and at every send', () => {
  let app: INestApplication;
  let strictApp: INestApplication;
  let worker: INestApplicationContext;
  let prisma: PrismaService;
  let data: TestData;
  const dns = new Map<string, string>();
  const receivers: { close: () => Promise<void> }[] = [];
  const courseIds: string[] = [];

  beforeAll(async () => {
    // The suite's environment allows 127.0.0.1 only (OUTBOUND_ALLOWED_NETWORKS=127.0.0.1/32).
    app = await startApi();
    // As in production: no allow-list at all.
    strictApp = await startApi({ OUTBOUND_ALLOWED_NETWORKS: '' });
    worker = await startWorker({ WEBHOOK_TIMEOUT_MS: '3000' });
    for (const context of [app, strictApp, worker]) context.get(OutboundPolicy).useResolver(tableResolver(dns));
    prisma = app.get(PrismaService);
    data = new TestData(prisma);
  });

  afterAll(async () => {
    for (const receiver of receivers) await receiver.close();
    await prisma?.webhookEndpoint.deleteMany({ where: { courseId: { in: courseIds } } });
    await worker?.close();
    await app?.get<Queue>(getQueueToken(WEBHOOKS_QUEUE)).obliterate({ force: true });
    await strictApp?.close();
    await app?.close();
  });

  async function course() {
    const { course, instructor } = await data.newCourseWithPeople();
    courseIds.push(course.id);
    return { course, instructor };
  }
  const register = (target: INestApplication, key: string, courseSlug: string, url: string) =>
    request(target.getHttpServer()).post(`/api/v1/courses/${courseSlug}/webhooks`).set('Authorization', `Bearer ${key}`).send({ url });

  /** A stored delivery for the endpoint, queued to the worker as grading queues them. */
  async function deliverTo(endpointId: string) {
    const id = randomUUID();
    await prisma.webhookDelivery.create({ data: { id, endpointId, event: 'submission.graded', payload: { id, event: 'submission.graded', data: {} } } });
    expect(await worker.get(WebhookDispatcher).enqueue([id])).toBe(true);
    return waitUntil(
      () => prisma.webhookDelivery.findUniqueOrThrow({ where: { id } }),
      (row) => row.attempts >= 1 || row.status !== 'pending',
      20_000,
      `delivery ${id} attempted`,
    );
  }

  it.each([
    ['http://169.254.169.254/latest/meta-data/iam/', 'the cloud metadata address'],
    ['http://10.0.0.1/hook', 'a private address'],
    ['http://192.168.0.10/hook', 'a private address'],
    ['http://172.20.0.1/hook', 'a private address'],
    ['http://127.0.0.1:8080/hook', 'a loopback address'],
    ['http://localhost:8080/hook', 'a loopback address'],
    ['http://[::1]/hook', 'a loopback address'],
    ['http://0.0.0.0/hook', 'unspecified'],
    ['http://2130706433/hook', 'names 127.0.0.1, a loopback address'],
    ['http://0x7f000001/hook', 'names 127.0.0.1, a loopback address'],
    ['http://0177.0.0.01/hook', 'names 127.0.0.1, a loopback address'],
    ['http://[::ffff:127.0.0.1]/hook', 'in IPv4-mapped IPv6 form'],
    ['http://[::ffff:a9fe:a9fe]/hook', 'the cloud metadata address in IPv4-mapped IPv6 form'],
    ['http://100.64.1.1/hook', 'CGNAT'],
    ['http://224.0.0.251/hook', 'multicast'],
    ['http://[fe80::1]/hook', 'link-local'],
    ['http://[fd00::1]/hook', 'unique local'],
    ['http://127.0.0.1.nip.io/hook', 'resolves to 127.0.0.1, a loopback address'],
    ['http://metadata.internal.test/hook', 'resolves to 169.254.169.254, the cloud metadata address'],
  ])('refuses to register %s with a 400 naming the field and the reason (%s)', async (url, reason) => {
    dns.set('127.0.0.1.nip.io', '127.0.0.1');
    dns.set('metadata.internal.test', '169.254.169.254');
    const { course: c, instructor } = await course();
    const response = await register(strictApp, instructor.key, c.slug, url).expect(400);
    expect(response.body).toMatchObject({ statusCode: 400, error: 'invalid_input' });
    expect(response.body.fields).toEqual([{ field: 'url', reason: expect.stringContaining(reason) }]);
    expect(response.body.fields[0].reason).toContain('OUTBOUND_ALLOWED_NETWORKS');
    expect(await prisma.webhookEndpoint.count({ where: { courseId: c.id } })).toBe(0);
  });

  it('registers public addresses, names that resolve to them, and names that do not resolve yet', async () => {
    dns.set('lms.campus.test', PUBLIC);
    const { course: c, instructor } = await course();
    await register(strictApp, instructor.key, c.slug, `https://${PUBLIC}/hook`).expect(201);
    await register(strictApp, instructor.key, c.slug, 'https://lms.campus.test/hook').expect(201);
    await register(strictApp, instructor.key, c.slug, 'https://not-in-dns-yet.test/hook').expect(201);
  });

  it('refuses a loopback address the allow-list does not name, at registration, while the allowed one registers', async () => {
    const { course: c, instructor } = await course();
    const refused = await register(app, instructor.key, c.slug, 'http://127.0.0.2:8080/hook').expect(400);
    expect(refused.body.fields).toEqual([{ field: 'url', reason: expect.stringContaining('names 127.0.0.2, a loopback address') }]);
    await register(app, instructor.key, c.slug, 'http://[::1]:8080/hook').expect(400);
    await register(app, instructor.key, c.slug, 'http://127.0.0.1:8080/hook').expect(201);
  });

  it('refuses at send a stored endpoint on a loopback address the allow-list does not name: nothing is sent, the delivery fails with the reason', async () => {
    const inside = await startReceiver(() => 200, '127.0.0.2');
    receivers.push(inside);
    const { course: c } = await course();
    // As if registered before the policy (or before the allow-list was narrowed).
    const endpoint = await prisma.webhookEndpoint.create({ data: { courseId: c.id, url: `${inside.url}/hook`, events: ['submission.graded'], secret: 'whsec_x' } });
    const row = await deliverTo(endpoint.id);
    expect(row).toMatchObject({ status: 'failed', attempts: 1, lastStatusCode: null, lastError: expect.stringContaining('refused: the URL names 127.0.0.2, a loopback address') });
    expect(inside.received).toHaveLength(0);
  });

  it('refuses at send a name that resolved to a public address at registration and resolves to loopback now (DNS rebinding)', async () => {
    const inside = await startReceiver(() => 200, '127.0.0.2');
    receivers.push(inside);
    const { course: c, instructor } = await course();
    dns.set('rebind.test', PUBLIC);
    const hook = (await register(app, instructor.key, c.slug, `http://rebind.test:${inside.port}/hook`).expect(201)).body;
    dns.set('rebind.test', '127.0.0.2');
    const row = await deliverTo(hook.id);
    expect(row).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringContaining('resolves to 127.0.0.2, a loopback address') });
    expect(inside.received).toHaveLength(0);
  });

  it('connects to the address the name resolved to and was checked, keeping the name in the Host header', async () => {
    const allowed = await startReceiver(() => 200);
    receivers.push(allowed);
    const { course: c, instructor } = await course();
    dns.set('receiver.test', '127.0.0.1');
    const hook = (await register(app, instructor.key, c.slug, `http://receiver.test:${allowed.port}/hook`).expect(201)).body;
    const row = await deliverTo(hook.id);
    expect(row).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 200 });
    expect(allowed.received.map((r) => r.headers.host)).toEqual([`receiver.test:${allowed.port}`]);
  });
});
