import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseAllowList } from '../net/allow-list';
import { blockedAddressReason, OutboundPolicy, OutboundUrlError, outboundRequest, type HostResolver } from './outbound-url';

const fixed =
  (table: Record<string, string[]>): HostResolver =>
  async (name) => {
    const addresses = table[name];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

async function refusal(policy: OutboundPolicy, url: string): Promise<string> {
  try {
    await policy.checkUrl(url);
  } catch (error) {
    if (error instanceof OutboundUrlError) return error.reason;
    throw error;
  }
  return 'accepted';
}

describe('outbound address policy', () => {
  const policy = new OutboundPolicy({
    resolve: fixed({
      'lms.example.edu': ['93.184.215.14'],
      '127.0.0.1.nip.io': ['127.0.0.1'],
      'dual.example.edu': ['93.184.215.14', '10.1.2.3'],
      'v6.example.edu': ['2606:4700::6810:84e5'],
      'mapped.example.edu': ['::ffff:169.254.169.254'],
    }),
  });

  it.each([
    ['http://169.254.169.254/latest/meta-data/', 'the cloud metadata address'],
    ['http://10.0.0.1/', 'a private address'],
    ['http://172.16.5.4/', 'a private address'],
    ['http://192.168.1.1/', 'a private address'],
    ['http://127.0.0.1:8080/', 'a loopback address'],
    ['http://127.8.9.10/', 'a loopback address'],
    ['http://localhost:3000/', 'a loopback address'],
    ['http://LOCALHOST./', 'a loopback address'],
    ['http://api.localhost/', 'a loopback address'],
    ['http://[::1]/', 'a loopback address'],
    ['http://0.0.0.0/', 'unspecified'],
    ['http://[::]/', 'unspecified'],
    ['http://2130706433/', 'names 127.0.0.1, a loopback address'],
    ['http://0x7f000001/', 'names 127.0.0.1, a loopback address'],
    ['http://0177.0.0.1/', 'names 127.0.0.1, a loopback address'],
    ['http://0x7f.1/', 'names 127.0.0.1, a loopback address'],
    ['http://127.1/', 'names 127.0.0.1, a loopback address'],
    ['http://100.64.0.1/', 'CGNAT'],
    ['http://100.127.255.254/', 'CGNAT'],
    ['http://169.254.10.10/', 'link-local'],
    ['http://224.0.0.1/', 'multicast'],
    ['http://239.255.255.250/', 'multicast'],
    ['http://255.255.255.255/', 'reserved'],
    ['http://[ff02::1]/', 'multicast'],
    ['http://[fe80::1]/', 'link-local'],
    ['http://[fd00::1]/', 'unique local'],
    ['http://[fd00:ec2::254]/', 'the cloud metadata address'],
    ['http://[::ffff:127.0.0.1]/', 'a loopback address in IPv4-mapped IPv6 form (127.0.0.1)'],
    ['http://[::ffff:7f00:1]/', 'a loopback address in IPv4-mapped IPv6 form (127.0.0.1)'],
    ['http://[::ffff:169.254.169.254]/', 'the cloud metadata address in IPv4-mapped IPv6 form'],
    ['http://[::ffff:10.0.0.1]/', 'a private address in IPv4-mapped IPv6 form'],
    ['http://[64:ff9b::a00:1]/', 'a private address in NAT64 IPv6 form (10.0.0.1)'],
    ['http://[2002:7f00:1::]/', 'a loopback address in 6to4 IPv6 form (127.0.0.1)'],
    ['http://[::127.0.0.1]/', 'IPv4-compatible'],
    ['http://127.0.0.1.nip.io/', 'resolves to 127.0.0.1, a loopback address'],
    ['http://dual.example.edu/', 'resolves to 10.1.2.3, a private address'],
    ['http://mapped.example.edu/', 'resolves to ::ffff:169.254.169.254, the cloud metadata address in IPv4-mapped IPv6 form'],
  ])('refuses %s (%s)', async (url, reason) => {
    expect(await refusal(policy, url)).toContain(reason);
  });

  it.each(['https://lms.example.edu/hooks', 'http://93.184.215.14:8080/x', 'https://v6.example.edu/', 'http://[2606:4700::6810:84e5]/', 'http://8.8.8.8/'])(
    'accepts the public %s',
    async (url) => {
      expect(await refusal(policy, url)).toBe('accepted');
    },
  );

  it('names the allow-list in every address refusal', async () => {
    expect(await refusal(policy, 'http://10.0.0.1/')).toContain('OUTBOUND_ALLOWED_NETWORKS');
  });

  it('accepts a name that does not resolve at registration only when asked to (every send checks again)', async () => {
    await expect(policy.checkUrl('https://not-yet.example.edu/', { unresolvable: 'accept' })).resolves.toEqual([]);
    expect(await refusal(policy, 'https://not-yet.example.edu/')).toContain('does not resolve (not-yet.example.edu: ENOTFOUND)');
  });

  it('gives up on a resolver that does not answer', async () => {
    const slow = new OutboundPolicy({ resolve: () => new Promise(() => undefined), resolveTimeoutMs: 50 });
    expect(await refusal(slow, 'https://slow.example.edu/')).toContain('no answer within 50 ms');
  });

  it('lets the allow-list open exactly the networks it names, in every form of their addresses', async () => {
    const onPrem = new OutboundPolicy({ allow: '10.20.0.0/16, 127.0.0.1, fd12:3456::/32', resolve: fixed({ 'lms.campus': ['10.20.3.4'], 'other.campus': ['10.21.0.1'] }) });
    for (const url of [
      'http://10.20.255.1/',
      'http://127.0.0.1:9/',
      'http://[::ffff:127.0.0.1]/',
      'http://2130706433/',
      'http://lms.campus/',
      'http://[fd12:3456::1]/',
      'http://localhost/',
    ]) {
      expect(await refusal(onPrem, url)).toBe('accepted');
    }
    for (const url of ['http://10.21.0.1/', 'http://127.0.0.2/', 'http://[::1]/', 'http://other.campus/', 'http://169.254.169.254/']) {
      expect(await refusal(onPrem, url)).not.toBe('accepted');
    }
  });

  it('parses the allow-list and names a bad entry', () => {
    expect(parseAllowList('')).toEqual([]);
    expect(parseAllowList('10.0.0.0/8,::1')).toHaveLength(2);
    expect(() => parseAllowList('10.0.0.0/8, intranet')).toThrow('"intranet" is not an IP address or CIDR range');
    expect(() => parseAllowList('10.0.0.0/33')).toThrow('"10.0.0.0/33"');
  });

  it('refuses forms that are not http(s) URLs', async () => {
    expect(await refusal(policy, 'ftp://lms.example.edu/')).toContain('must use http or https');
    expect(await refusal(policy, 'http://u:p@lms.example.edu/')).toContain('credentials');
  });

  it('knows public from internal for bare addresses', () => {
    expect(blockedAddressReason('93.184.215.14')).toBeNull();
    expect(blockedAddressReason('2606:4700::6810:84e5')).toBeNull();
    expect(blockedAddressReason('172.32.0.1')).toBeNull();
    expect(blockedAddressReason('172.31.255.255')).toBe('a private address');
    expect(blockedAddressReason('100.63.255.255')).toBeNull();
  });

  describe('outboundRequest', () => {
    let server: Server;
    let port: number;
    const hits: string[] = [];
    beforeAll(async () => {
      server = createServer((req, res) => {
        hits.push(`${req.socket.localAddress} ${req.headers.host}`);
        if (req.url === '/redirect') return res.writeHead(302, { Location: 'http://169.254.169.254/' }).end();
        res.writeHead(200).end('x'.repeat(100_000));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });

    it('connects to the checked address of a name, keeps the Host header, caps the body, does not follow redirects', async () => {
      const local = new OutboundPolicy({ allow: '127.0.0.1', resolve: fixed({ 'receiver.test': ['127.0.0.1'] }) });
      const ok = await outboundRequest(local, `http://receiver.test:${port}/`, { timeoutMs: 2_000, maxBodyBytes: 1000 });
      expect(ok.status).toBe(200);
      expect(ok.body.length).toBe(1000);
      expect(hits.at(-1)).toBe(`127.0.0.1 receiver.test:${port}`);
      const moved = await outboundRequest(local, `http://receiver.test:${port}/redirect`, { timeoutMs: 2_000 });
      expect(moved.status).toBe(302);
      expect(hits).toHaveLength(2);
    });

    it('refuses at send a name that now resolves inside, and a literal the allow-list does not name, sending nothing', async () => {
      const before = hits.length;
      const strict = new OutboundPolicy({ resolve: fixed({ 'receiver.test': ['127.0.0.1'] }) });
      await expect(outboundRequest(strict, `http://receiver.test:${port}/`, { timeoutMs: 2_000 })).rejects.toThrow(/resolves to 127\.0\.0\.1, a loopback address/);
      await expect(outboundRequest(strict, `http://127.0.0.1:${port}/`, { timeoutMs: 2_000 })).rejects.toThrow(/names 127\.0\.0\.1, a loopback address/);
      await expect(outboundRequest(strict, `http://[::ffff:127.0.0.1]:${port}/`, { timeoutMs: 2_000 })).rejects.toThrow(/IPv4-mapped/);
      expect(hits).toHaveLength(before);
    });
  });
});
