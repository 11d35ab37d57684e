import { Logger } from '@nestjs/common';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { OutboundPolicy } from '../common/http/outbound-url';
import type { AppConfigService } from '../config/app-config';
import type { PrismaService } from '../database/prisma.service';
import { WebhookJob, type DeliverWebhookPayload } from '../queue/queues';
import { WebhookDeliveryProcessor } from './webhook-delivery.processor';
import { WebhookDeliveryRepository } from './webhook-delivery.repository';
import { verifyWebhookSignature } from './webhook-signature';

describe('WebhookDeliveryProcessor', () => {
  beforeAll(() => Logger.overrideLogger(false));

  let server: Server;
  let url: string;
  let answer = 200;
  const received: { headers: IncomingMessage['headers']; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(answer).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const secret = 'whsec_unit';
  function setUp(
    status: 'pending' | 'delivered' = 'pending',
    endpoint: Partial<{ active: boolean; revokedAt: Date | null }> = {},
    policy = new OutboundPolicy({ allow: '127.0.0.1' }),
  ) {
    const row = {
      id: 'd-1',
      event: 'submission.graded',
      status,
      payload: { id: 'd-1', event: 'submission.graded', data: { score: 2 } },
      endpoint: { id: 'e-1', url, secret, active: endpoint.active ?? true, apiKey: endpoint.revokedAt ? { revokedAt: endpoint.revokedAt } : null },
    };
    const updates: unknown[] = [];
    const prisma = {
      webhookDelivery: {
        findUnique: jest.fn(async () => row),
        updateMany: jest.fn(async (args: unknown) => {
          updates.push(args);
          return { count: 1 };
        }),
      },
    } as unknown as PrismaService;
    const config = { values: { WEBHOOK_TIMEOUT_MS: 2_000 } } as AppConfigService;
    return { processor: new WebhookDeliveryProcessor(new WebhookDeliveryRepository(prisma), config, policy), prisma, updates };
  }
  const job = (attemptsMade: number, attempts = 3) =>
    ({ name: WebhookJob.deliver, data: { deliveryId: 'd-1' }, attemptsMade, opts: { attempts } }) as unknown as Job<DeliverWebhookPayload>;

  it('sends a signed request and records a 2xx as delivered', async () => {
    answer = 200;
    const { processor, updates } = setUp();
    await expect(processor.process(job(0))).resolves.toBe('delivered');
    const request = received.at(-1)!;
    expect(request.headers).toMatchObject({ 'content-type': 'application/json', 'memgrade-event': 'submission.graded', 'memgrade-delivery': 'd-1' });
    expect(JSON.parse(request.body)).toEqual({ id: 'd-1', event: 'submission.graded', data: { score: 2 } });
    expect(verifyWebhookSignature(secret, request.headers, request.body)).toBe(true);
    expect(updates).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ status: 'delivered', attempts: { increment: 1 }, lastStatusCode: 200, lastError: null }) }),
    ]);
  });

  it('records a failed attempt and throws so the queue retries; the last attempt marks it failed', async () => {
    answer = 503;
    const { processor, updates } = setUp();
    await expect(processor.process(job(0))).rejects.toThrow('attempt 1/3');
    await expect(processor.process(job(2))).rejects.toThrow('attempt 3/3');
    expect(updates).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ status: 'pending', attempts: { increment: 1 }, lastStatusCode: 503, lastError: 'HTTP 503' }) }),
      expect.objectContaining({ data: expect.objectContaining({ status: 'failed', attempts: { increment: 1 }, lastStatusCode: 503 }) }),
    ]);
  });

  it('does not send a delivery that is done, nor to a disabled endpoint or a revoked key', async () => {
    const before = received.length;
    await expect(setUp('delivered').processor.process(job(0))).resolves.toBe('skipped');
    const disabled = setUp('pending', { active: false });
    await expect(disabled.processor.process(job(0))).resolves.toBe('abandoned');
    expect(disabled.updates).toEqual([expect.objectContaining({ data: { status: 'failed', lastError: 'the endpoint is disabled' } })]);
    await expect(setUp('pending', { revokedAt: new Date() }).processor.process(job(0))).resolves.toBe('abandoned');
    expect(received.length).toBe(before);
  });

  it('sends nothing to an address the outbound policy refuses, and ends the delivery failed at once with the reason', async () => {
    const before = received.length;
    const { processor, updates } = setUp('pending', {}, new OutboundPolicy());
    await expect(processor.process(job(0))).rejects.toThrow(UnrecoverableError);
    expect(received.length).toBe(before);
    expect(updates).toEqual([
      expect.objectContaining({
        data: expect.objectContaining({
          status: 'failed',
          attempts: { increment: 1 },
          lastStatusCode: null,
          lastError: expect.stringContaining('names 127.0.0.1, a loopback address'),
        }),
      }),
    ]);
  });

  it('spends no attempt while the database cannot be reached: the job waits in the delayed set', async () => {
    const { processor, prisma } = setUp();
    const unreachable = Object.assign(new Error("Can't reach database server at 127.0.0.1:5432"), { code: 'P1001' });
    const moved: number[] = [];
    const delayed = {
      ...job(0),
      updateData: jest.fn(async () => undefined),
      moveToDelayed: jest.fn(async (at: number) => void moved.push(at)),
    } as unknown as Job<DeliverWebhookPayload>;
    (prisma.webhookDelivery.findUnique as jest.Mock).mockRejectedValueOnce(unreachable);
    await expect(processor.process(delayed, 'token')).rejects.toBeInstanceOf(DelayedError);
    expect(moved).toHaveLength(1);
    // Any other error still counts as an attempt.
    (prisma.webhookDelivery.findUnique as jest.Mock).mockRejectedValueOnce(new Error('column x does not exist'));
    await expect(processor.process(delayed, 'token')).rejects.toThrow('column x');
    expect(moved).toHaveLength(1);
  });
});
