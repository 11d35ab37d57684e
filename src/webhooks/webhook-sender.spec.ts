import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OutboundPolicy } from '../common/http/outbound-url';
import { postWebhook } from './webhook-sender';

describe('postWebhook', () => {
  // The receiver runs on loopback, which only an allow-list makes reachable.
  const local = new OutboundPolicy({ allow: '127.0.0.1' });
  let server: Server;
  let base: string;
  let handle: (req: IncomingMessage, res: ServerResponse, body: string) => void;
  const seen: { headers: IncomingMessage['headers']; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        seen.push({ headers: req.headers, body });
        handle(req, res, body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('POSTs the body with the headers; 2xx is a success', async () => {
    handle = (_req, res) => res.writeHead(204).end();
    const result = await postWebhook(`${base}/ok`, '{"a":1}', { 'Content-Type': 'application/json', 'Memgrade-Event': 'x' }, 2_000, local);
    expect(result).toMatchObject({ ok: true, statusCode: 204, error: null });
    expect(seen.at(-1)).toMatchObject({ body: '{"a":1}', headers: expect.objectContaining({ 'content-type': 'application/json', 'memgrade-event': 'x' }) });
  });

  it('reports a non-2xx answer with its status and the start of its body', async () => {
    handle = (_req, res) => res.writeHead(500).end('database\nexploded ' + 'x'.repeat(5000));
    const result = await postWebhook(`${base}/err`, '{}', {}, 2_000, local);
    expect(result.ok).toBe(false);
    expect(result.statusCode).toBe(500);
    expect(result.error).toMatch(/^HTTP 500: database exploded x+$/);
    expect(result.error!.length).toBeLessThan(260);
  });

  it('does not follow redirects', async () => {
    handle = (_req, res) => res.writeHead(302, { Location: 'http://169.254.169.254/' }).end();
    const result = await postWebhook(`${base}/moved`, '{}', {}, 2_000, local);
    expect(result).toMatchObject({ ok: false, statusCode: 302, error: expect.stringContaining('redirects are not followed') });
  });

  it('gives up on a receiver that does not answer within the timeout', async () => {
    handle = () => undefined; // never answers
    const started = Date.now();
    const result = await postWebhook(`${base}/hang`, '{}', {}, 300, local);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(result).toMatchObject({ ok: false, statusCode: null, error: 'no answer within 300 ms' });
  });

  it('reports a refused connection', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const result = await postWebhook(`http://127.0.0.1:${port}/`, '{}', {}, 2_000, local);
    expect(result).toMatchObject({ ok: false, statusCode: null, error: expect.stringContaining('ECONNREFUSED') });
  });

  it('sends nothing to loopback when the allow-list does not name it, and says why', async () => {
    const before = seen.length;
    const result = await postWebhook(`${base}/ok`, '{}', {}, 2_000, new OutboundPolicy());
    expect(result).toMatchObject({ ok: false, statusCode: null, refused: true, error: expect.stringContaining('a loopback address') });
    expect(seen).toHaveLength(before);
  });

  it('connects to the address the policy checked, not to what the name resolves to later', async () => {
    handle = (_req, res) => res.writeHead(200).end();
    const answers = ['127.0.0.1', '127.0.0.2'];
    const calls: string[] = [];
    const policy = new OutboundPolicy({ allow: '127.0.0.1', resolve: async (name) => (calls.push(name), [{ address: answers[calls.length - 1] ?? '127.0.0.2', family: 4 }]) });
    const port = new URL(base).port;
    const first = await postWebhook(`http://receiver.test:${port}/ok`, '{}', {}, 2_000, policy);
    expect(first).toMatchObject({ ok: true, statusCode: 200 });
    expect(seen.at(-1)?.headers.host).toBe(`receiver.test:${port}`);
    const second = await postWebhook(`http://receiver.test:${port}/ok`, '{}', {}, 2_000, policy);
    expect(second).toMatchObject({ ok: false, refused: true, error: expect.stringContaining('resolves to 127.0.0.2, a loopback address') });
    expect(calls).toEqual(['receiver.test', 'receiver.test']);
  });
});
