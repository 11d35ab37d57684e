import { OutboundPolicy } from '../common/http/outbound-url';
import { Injectable } from '@nestjs/common';
import type { LtiPlatform } from '../generated/prisma/client';
import { LtiPlatformError } from './lti-errors';
import { platformRequest } from './lti-http';
import { ToolKeysService } from './tool-keys.service';

interface CachedToken {
  token: string;
  expiresAt: number;
}

/**
 * OAuth 2 client-credentials access tokens for AGS and NRPS (LTI Security Framework §4.1): the client
 * authenticates with a JWT assertion (RFC 7523) signed by memgrade's active key. Tokens are cached per
 * platform and scope set until shortly before they expire.
 */
@Injectable()
export class LtiTokenService {
  private readonly cache = new Map<string, CachedToken>();

  constructor(
    private readonly keys: ToolKeysService,
    private readonly outbound: OutboundPolicy,
  ) {}

  async token(platform: Pick<LtiPlatform, 'id' | 'clientId' | 'tokenUrl' | 'tokenAudience'>, scopes: string[]): Promise<string> {
    const scope = [...scopes].sort().join(' ');
    const cacheKey = `${platform.id} ${scope}`;
    const cached = this.cache.get(cacheKey);
    if (cached && cached.expiresAt > Date.now()) return cached.token;
    const assertion = await this.keys.sign({ iss: platform.clientId, sub: platform.clientId, aud: platform.tokenAudience || platform.tokenUrl }, 300);
    const { body } = await platformRequest<{ access_token?: unknown; expires_in?: unknown; token_type?: unknown }>(this.outbound, 'access token', platform.tokenUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
        scope,
      }).toString(),
    });
    if (typeof body.access_token !== 'string' || !body.access_token) throw new LtiPlatformError(`access token: ${platform.tokenUrl} answered without access_token`);
    const lifetime = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 3600;
    this.cache.set(cacheKey, { token: body.access_token, expiresAt: Date.now() + Math.max(0, lifetime - 30) * 1000 });
    return body.access_token;
  }

  /** Forgets a token the platform refused (401), so the next call asks for a new one. */
  forget(platformId: string): void {
    for (const key of this.cache.keys()) if (key.startsWith(`${platformId} `)) this.cache.delete(key);
  }
}
