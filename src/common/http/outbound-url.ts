import { lookup as dnsLookup } from 'node:dns/promises';
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { LookupAddress, LookupOneOptions } from 'node:dns';
import { parseAllowList } from '../net/allow-list';
import { embeddedIpv4, formatIp, inRange, parseIp, parseRange, type IpRange, type ParsedIp } from '../net/ip-address';
import { within } from '../time/within';

/**
 * Requests memgrade makes to addresses users give it (webhook receivers, LMS endpoints) must not
 * reach inside the network memgrade runs in. One policy decides, for every address:
 *  - refused: loopback, private (RFC 1918, unique local), link-local, CGNAT 100.64/10, the cloud
 *    metadata address, multicast, unspecified, reserved and documentation ranges, and IPv6 forms
 *    that carry such an IPv4 address (mapped, compatible, NAT64, 6to4);
 *  - unless the address is in the administrator's allow-list (OUTBOUND_ALLOWED_NETWORKS), for
 *    receivers on premises.
 * A URL is checked when it is registered (checkUrl) and again at every request: outboundRequest
 * resolves the name inside the socket's own lookup, checks every address it got and connects to
 * the one it checked, so a name cannot answer a public address to the check and a private one to
 * the connection (DNS rebinding). Redirects are never followed.
 *
 * Written for reuse: construct an OutboundPolicy (or inject the one OutboundHttpModule provides),
 * then `await policy.checkUrl(url)` at registration and `outboundRequest(policy, url, …)` (or
 * `policy.agentFor(url)` with node:http/https) to send.
 */

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has. The injection point for tests (no real DNS). */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: HostResolver = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((entry) => ({ address: entry.address, family: entry.family === 6 ? 6 : 4 }));

/** How long a name may take to resolve before the request (or the registration) gives up on it. */
export const RESOLVE_TIMEOUT_MS = 3_000;

/** Why an outbound URL may not be used. `reason` completes "url …" in a 400's field list. */
export class OutboundUrlError extends Error {
  override readonly name = 'OutboundUrlError';
  /** Which check refused: the URL's form, or the address it names or resolves to. */
  constructor(
    readonly reason: string,
    readonly kind: 'form' | 'address' | 'unresolvable',
  ) {
    super(reason);
  }
}

const range = (text: string, reason: string) => ({ range: parseRange(text) as IpRange, reason });

/** Ranges no outbound request may reach (checked in order: the most specific reason first). */
const BLOCKED = [
  range('169.254.169.254/32', 'the cloud metadata address'),
  range('0.0.0.0/8', 'an unspecified ("this network") address'),
  range('10.0.0.0/8', 'a private address'),
  range('100.64.0.0/10', 'a shared (CGNAT) address'),
  range('127.0.0.0/8', 'a loopback address'),
  range('169.254.0.0/16', 'a link-local address'),
  range('172.16.0.0/12', 'a private address'),
  range('192.0.0.0/24', 'an IETF protocol assignment address'),
  range('192.0.2.0/24', 'a documentation address'),
  range('192.88.99.0/24', 'a 6to4 relay anycast address'),
  range('192.168.0.0/16', 'a private address'),
  range('198.18.0.0/15', 'a benchmarking address'),
  range('198.51.100.0/24', 'a documentation address'),
  range('203.0.113.0/24', 'a documentation address'),
  range('224.0.0.0/4', 'a multicast address'),
  range('240.0.0.0/4', 'a reserved address'),
  range('::/128', 'an unspecified address'),
  range('::1/128', 'a loopback address'),
  range('fd00:ec2::254/128', 'the cloud metadata address'),
  range('100::/64', 'a discard-only address'),
  range('2001::/23', 'an IETF protocol assignment address (Teredo, ORCHID, …)'),
  range('2001:db8::/32', 'a documentation address'),
  range('fc00::/7', 'a private (unique local) address'),
  range('fe80::/10', 'a link-local address'),
  range('fec0::/10', 'a site-local address'),
  range('ff00::/8', 'a multicast address'),
];

/** The reason an address is refused whatever the allow-list says, or null. Exported for tests. */
export function blockedAddressReason(address: string): string | null {
  const ip = parseIp(address);
  if (!ip) return `is not an IP address (${address})`;
  return reasonFor(ip);
}

function reasonFor(ip: ParsedIp): string | null {
  const inner = embeddedIpv4(ip);
  if (inner) {
    const reason = reasonFor(inner.ip);
    return reason ? `${reason} in ${inner.form} form (${formatIp(inner.ip)})` : null;
  }
  return BLOCKED.find((entry) => inRange(ip, entry.range))?.reason ?? null;
}

export interface OutboundPolicyOptions {
  /** Addresses or ranges that may be reached although they are private (on-premises receivers). */
  allow?: IpRange[] | string;
  resolve?: HostResolver;
  resolveTimeoutMs?: number;
}

export class OutboundPolicy {
  private readonly allow: IpRange[];
  private resolver: HostResolver;
  private readonly resolveTimeoutMs: number;

  constructor(options: OutboundPolicyOptions = {}) {
    this.allow = typeof options.allow === 'string' ? parseAllowList(options.allow) : (options.allow ?? []);
    this.resolver = options.resolve ?? systemResolver;
    this.resolveTimeoutMs = options.resolveTimeoutMs ?? RESOLVE_TIMEOUT_MS;
  }

  /** Replaces how names are resolved (tests: a name that answers differently at check and at send). */
  useResolver(resolver: HostResolver): void {
    this.resolver = resolver;
  }

  /** Why this address may not be reached, or null when it may. */
  addressProblem(address: string): string | null {
    const ip = parseIp(address);
    if (!ip) return `is not an IP address (${address})`;
    const candidates = [ip, embeddedIpv4(ip)?.ip].filter((candidate): candidate is ParsedIp => !!candidate);
    if (candidates.some((candidate) => this.allow.some((allowed) => inRange(candidate, allowed)))) return null;
    return reasonFor(ip);
  }

  /**
   * Checks a URL's form and the addresses it names or resolves to; returns those addresses.
   * `unresolvable: 'accept'` (registration) lets a name that does not resolve yet pass with no
   * addresses: every request checks again. Throws OutboundUrlError otherwise.
   */
  async checkUrl(value: string | URL, options: { unresolvable?: 'accept' | 'refuse' } = {}): Promise<ResolvedAddress[]> {
    const url = parseOutboundUrl(value);
    const host = hostOf(url);
    const literal = parseIp(host);
    if (literal) {
      this.refuseIfBlocked(host, host);
      return [{ address: host, family: literal.family }];
    }
    let addresses: ResolvedAddress[];
    try {
      addresses = await this.resolveChecked(host);
    } catch (error) {
      if (error instanceof OutboundUrlError && error.kind === 'unresolvable' && options.unresolvable === 'accept') return [];
      throw error;
    }
    return addresses;
  }

  /** Resolves a name and checks every address; throws when one is refused (so none is chosen at random). */
  async resolveChecked(hostname: string): Promise<ResolvedAddress[]> {
    // "localhost" and its subdomains are loopback whatever DNS says (RFC 6761).
    if (/(^|\.)localhost\.?$/i.test(hostname)) {
      this.refuseIfBlocked(hostname, '127.0.0.1');
      return [{ address: '127.0.0.1', family: 4 }];
    }
    let addresses: ResolvedAddress[];
    try {
      addresses = await within(this.resolver(hostname), this.resolveTimeoutMs, 'DNS');
    } catch (error) {
      const code = (error as { code?: string }).code;
      throw new OutboundUrlError(`names a host that does not resolve (${hostname}: ${code ?? (error as Error).message})`, 'unresolvable');
    }
    if (!addresses.length) throw new OutboundUrlError(`names a host that does not resolve (${hostname}: no addresses)`, 'unresolvable');
    for (const { address } of addresses) this.refuseIfBlocked(hostname, address);
    return addresses;
  }

  /** A socket lookup that resolves through this policy: the connection goes to the address that was checked. */
  readonly lookup = (
    hostname: string,
    options: LookupOneOptions | { all?: boolean; family?: number | string },
    callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    this.resolveChecked(hostname).then(
      (addresses) => {
        const wanted = options.family === 6 || options.family === 'IPv6' ? 6 : options.family === 4 || options.family === 'IPv4' ? 4 : 0;
        const usable = wanted ? addresses.filter((entry) => entry.family === wanted) : addresses;
        if (!usable.length) return callback(Object.assign(new Error(`${hostname} has no IPv${wanted} address`), { code: 'ENOTFOUND' }), '', 0);
        if ((options as { all?: boolean }).all) return callback(null, usable);
        callback(null, usable[0].address, usable[0].family);
      },
      (error: Error) => callback(Object.assign(error, { code: error instanceof OutboundUrlError ? 'EOUTBOUNDPOLICY' : 'ENOTFOUND' }), '', 0),
    );
  };

  /** An agent whose connections resolve through this policy (no keep-alive: every request is checked afresh). */
  agentFor(url: string | URL): HttpAgent {
    const protocol = typeof url === 'string' ? new URL(url).protocol : url.protocol;
    const options = { keepAlive: false, lookup: this.lookup as never };
    return protocol === 'https:' ? new HttpsAgent(options) : new HttpAgent(options);
  }

  private refuseIfBlocked(hostname: string, address: string): void {
    const problem = this.addressProblem(address);
    if (!problem) return;
    const what = hostname === address ? `names ${address}` : `names a host that resolves to ${address}`;
    throw new OutboundUrlError(`${what}, ${problem}; requests to internal networks are refused (an administrator may allow a network with OUTBOUND_ALLOWED_NETWORKS)`, 'address');
  }
}

/** The URL when it is an absolute http(s) URL with a host and no credentials. */
export function parseOutboundUrl(value: string | URL): URL {
  let url: URL;
  try {
    url = typeof value === 'string' ? new URL(value) : value;
  } catch {
    throw new OutboundUrlError('must be an absolute http:// or https:// URL', 'form');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new OutboundUrlError(`must use http or https (got "${url.protocol.replace(/:$/, '')}")`, 'form');
  if (!url.hostname) throw new OutboundUrlError('must name a host', 'form');
  if (url.username || url.password) throw new OutboundUrlError('must not contain credentials', 'form');
  return url;
}

/** The host as the socket sees it: WHATWG URL parsing already turned 2130706433, 0x7f.1 or 0177.0.0.1 into 127.0.0.1. */
function hostOf(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

export interface OutboundRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** The whole exchange (connect, send, headers, the body read) must end within this. */
  timeoutMs: number;
  /** At most this much of the answer's body is read; the rest is dropped. */
  maxBodyBytes?: number;
}

export interface OutboundResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * One HTTP request through the policy: the literal address is checked, or the name is resolved,
 * checked and connected to in one step. Redirects are answers (3xx), never followed. Rejects with
 * OutboundUrlError when the policy refuses, with an Error named "TimeoutError" on timeout, and with
 * the socket's error (ECONNREFUSED, …) otherwise.
 */
export async function outboundRequest(policy: OutboundPolicy, value: string | URL, options: OutboundRequestOptions): Promise<OutboundResponse> {
  const url = parseOutboundUrl(value);
  const host = hostOf(url);
  if (parseIp(host)) await policy.checkUrl(url);
  const signal = AbortSignal.timeout(options.timeoutMs);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const limit = options.maxBodyBytes ?? 64 * 1024;
  return new Promise<OutboundResponse>((resolve, reject) => {
    const req = send(
      {
        protocol: url.protocol,
        hostname: host,
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: options.method ?? 'GET',
        headers: options.headers,
        agent: policy.agentFor(url),
        lookup: policy.lookup as never,
        signal,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const finish = () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).subarray(0, limit) });
        res.on('data', (chunk: Buffer) => {
          if (size >= limit) return;
          chunks.push(chunk);
          size += chunk.length;
          if (size >= limit) {
            finish();
            res.destroy();
          }
        });
        res.on('end', finish);
        res.on('error', (error) => (size >= limit ? finish() : reject(error)));
      },
    );
    req.on('error', (error: Error & { cause?: unknown }) => {
      if (signal.aborted) return reject(Object.assign(new Error(`no answer within ${options.timeoutMs} ms`), { name: 'TimeoutError' }));
      const policyError = error instanceof OutboundUrlError ? error : error.cause instanceof OutboundUrlError ? error.cause : null;
      reject(policyError ?? error);
    });
    req.end(options.body);
  });
}
