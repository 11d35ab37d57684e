import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, jwtVerify, SignJWT, type JWK } from 'jose';
import { OutboundPolicy, type ResolvedAddress } from '../common/http/outbound-url';
import { verifyLaunchToken } from './launch-verifier';
import { LtiLaunchError } from './lti-errors';
import { platformJwks } from './platform-jwks';

/** A platform's JWKS on a real 127.0.0.1 server, reached by a name only the policy's resolver knows. */
describe('platformJwks: jose fetches the JWKS through the outbound policy, pinned to the checked address', () => {
  let server: Server;
  let port: number;
  let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  let jwk: JWK;
  const requests: string[] = [];

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    server = createServer((request, response) => {
      requests.push(request.url ?? '');
      if (request.url === '/moved') {
        response.writeHead(302, { Location: '/jwks' }).end();
        return;
      }
      response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => (requests.length = 0));

  const sign = () =>
    new SignJWT({ nonce: 'n-1' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer('https://platform.test')
      .setAudience('client-1')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
  /** A policy that allows this machine's 127.0.0.1 and resolves names from a script of answers, one per lookup. */
  const scripted = (...answers: string[]) => {
    const lookups: string[] = [];
    const policy = new OutboundPolicy({
      allow: '127.0.0.1/32',
      resolve: async (name): Promise<ResolvedAddress[]> => {
        lookups.push(name);
        return [{ address: answers[Math.min(lookups.length, answers.length) - 1], family: 4 }];
      },
    });
    return { policy, lookups };
  };

  it('connects where the policy resolved the name (the system resolver does not know it)', async () => {
    const { policy, lookups } = scripted('127.0.0.1');
    const { payload } = await jwtVerify(await sign(), platformJwks(policy, `http://jwks-host.invalid:${port}/jwks`), { issuer: 'https://platform.test', audience: 'client-1' });
    expect(payload.nonce).toBe('n-1');
    expect(requests).toEqual(['/jwks']);
    expect(lookups).toEqual(['jwks-host.invalid']);
  });

  it('refuses when the name answers an internal address to jose’s fetch after a public one to the check, and sends nothing', async () => {
    // The first lookup (the launch's check) gets the allowed address, the second (jose's connection) another loopback one.
    const { policy, lookups } = scripted('127.0.0.1', '127.0.0.2');
    const platform = { issuer: 'https://platform.test', clientId: 'client-1', jwksUrl: `http://rebinding.invalid:${port}/jwks` };
    const error = await verifyLaunchToken(await sign(), platform, policy).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LtiLaunchError);
    expect((error as Error).message).toMatch(/^the platform's JWKS URL is refused: names a host that resolves to 127\.0\.0\.2, a loopback address/);
    expect(lookups).toEqual(['rebinding.invalid', 'rebinding.invalid']);
    expect(requests).toEqual([]);
  });

  it('does not follow a redirect', async () => {
    const { policy } = scripted('127.0.0.1');
    const error = await jwtVerify(await sign(), platformJwks(policy, `http://moved.invalid:${port}/moved`)).catch((e: unknown) => e);
    expect((error as Error).message).toBe('Expected 200 OK from the JSON Web Key Set HTTP response');
    expect(requests).toEqual(['/moved']);
  });
});
