import { createRemoteJWKSet, customFetch, type FetchImplementation } from 'jose';
import { outboundRequest, type OutboundPolicy } from '../common/http/outbound-url';

const JWKS_TIMEOUT_MS = 5_000;
const JWKS_MAX_BYTES = 1024 * 1024;

type RemoteJwks = ReturnType<typeof createRemoteJWKSet>;

/** Each platform's JWKS, fetched and cached by jose (refetched when a kid is unknown), per policy. */
const cache = new WeakMap<OutboundPolicy, Map<string, RemoteJwks>>();

/**
 * The JWKS of a platform, fetched through the outbound policy: jose's request goes out with
 * outboundRequest, so the name is resolved, every address checked and the connection made to the
 * address that was checked, in one step (a name cannot answer a public address to a check and an
 * internal one to jose's own fetch). Redirects are answers, never followed.
 */
export function platformJwks(policy: OutboundPolicy, url: string): RemoteJwks {
  let sets = cache.get(policy);
  if (!sets) cache.set(policy, (sets = new Map()));
  let set = sets.get(url);
  if (!set) {
    set = createRemoteJWKSet(new URL(url), { timeoutDuration: JWKS_TIMEOUT_MS, cooldownDuration: 5_000, cacheMaxAge: 10 * 60_000, [customFetch]: pinnedFetch(policy) });
    sets.set(url, set);
  }
  return set;
}

/** jose's fetch, done by outboundRequest; jose reads only the status and the JSON body. */
export function pinnedFetch(policy: OutboundPolicy): FetchImplementation {
  return async (url, options) => {
    const headers: Record<string, string> = {};
    options.headers.forEach((value, name) => (headers[name] = value));
    const answer = await outboundRequest(policy, url, { method: 'GET', headers, timeoutMs: JWKS_TIMEOUT_MS, maxBodyBytes: JWKS_MAX_BYTES });
    return new Response(answer.status === 204 || answer.status === 304 ? null : new Uint8Array(answer.body), { status: answer.status });
  };
}
