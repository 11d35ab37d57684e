import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { ApiKeyRepository } from '../../src/auth/api-key.repository';
import { ApiKeysService } from '../../src/auth/api-keys.service';
import type { PrismaService } from '../../src/database/prisma.service';
import { waitUntil } from './polling';

/** Helpers for the webhooks, gradebook and rate-limit specs (added beside fixtures.ts, not in it). */

/** An lms identity acting in one course, and its key. */
export async function newLmsKey(prisma: PrismaService, courseId: string): Promise<{ id: string; keyId: string; key: string }> {
  const user = await prisma.user.create({ data: { role: 'lms', displayName: 'LMS' } });
  const { id, secret } = await new ApiKeysService(new ApiKeyRepository(prisma)).issue(user.id, 'lms key', { courseId });
  return { id: user.id, keyId: id, key: secret };
}

/** The suite's one polling helper lives in polling.ts; re-exported for the specs that import it from here. */
export { waitUntil };

/** GET /api/v1/submissions/:id until it leaves queued/running. */
export async function waitForGraded(app: INestApplication, key: string, id: string, withinMs = 60_000) {
  return waitUntil(
    async () => (await request(app.getHttpServer()).get(`/api/v1/submissions/${id}`).set('Authorization', `Bearer ${key}`).expect(200)).body,
    (body) => !['queued', 'running'].includes(body.status),
    // A grading takes seconds; each read is a whole API request in this process, and the catalog
    // spec has several waiting at once for minutes, on the two cores that also grade.
    { withinMs, everyMs: 250, what: `submission ${id} finished` },
  );
}

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body, exactly as received (what a receiver must verify). */
  body: string;
  at: number;
}

/**
 * A webhook receiver on 127.0.0.1 (or another loopback address): records every request with its raw body and answers with what
 * `respond` decides (a status, or 'hang' to never answer).
 */
export async function startReceiver(respond: (request: ReceivedRequest, count: number) => number | 'hang' = () => 200, host = '127.0.0.1') {
  const received: ReceivedRequest[] = [];
  const open = new Set<ServerResponse>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const entry = { path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      received.push(entry);
      const answer = respond(entry, received.filter((r) => r.path === entry.path).length);
      if (answer === 'hang') {
        open.add(res);
        return;
      }
      res.writeHead(answer, { 'Content-Type': 'text/plain' }).end(answer >= 300 ? `receiver says ${answer}` : 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host}:${port}`;
  return {
    url,
    port,
    received,
    /** Requests that are being held open ('hang'). */
    hanging: () => open.size,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A free local port: nothing listens on it, so connections are refused until something does. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
