import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { exportJWK, exportPKCS8, generateKeyPair, importPKCS8, type JWK, SignJWT, type JWTPayload } from 'jose';
import { type NewToolKey, ToolKeyRepository } from './tool-key.repository';

export const TOOL_KEY_ALG = 'RS256';
type SigningKey = Awaited<ReturnType<typeof importPKCS8>>;

/** A retired key stays published this long, so tokens it signed still verify. */
const RETIRED_KEY_PUBLISHED_MS = 24 * 3600_000;

/**
 * memgrade's own RS256 keys: the active one signs client assertions and deep-linking responses; all
 * keys that are not long retired are published at the JWKS URL. Rotation makes a new key active.
 */
@Injectable()
export class ToolKeysService {
  private signer?: { kid: string; key: SigningKey; loadedAt: number };

  constructor(private readonly keys: ToolKeyRepository) {}

  /** The active key, made on first use. */
  async activeKey(): Promise<{ kid: string; key: SigningKey }> {
    if (this.signer && Date.now() - this.signer.loadedAt < 10_000) return this.signer;
    const row = (await this.keys.newestActive()) ?? (await this.keys.createActiveIfNone(newKey));
    this.signer = { kid: row.kid, key: await importPKCS8(row.privateKey, TOOL_KEY_ALG), loadedAt: Date.now() };
    return this.signer;
  }

  /** Makes a new key active; the previous one stays published for a day. Returns the new kid. */
  async rotate(): Promise<{ kid: string }> {
    const fresh = await newKey();
    await this.keys.rotateTo(fresh);
    this.signer = undefined;
    return { kid: fresh.kid };
  }

  /** The public keys, as a JWK Set. */
  async jwks(): Promise<{ keys: JWK[] }> {
    await this.activeKey();
    const rows = await this.keys.publishedSince(new Date(Date.now() - RETIRED_KEY_PUBLISHED_MS));
    return { keys: rows.map((row) => row.publicJwk as JWK) };
  }

  /** A JWT signed with the active key (kid in the header). */
  async sign(payload: JWTPayload, lifetimeSeconds = 300): Promise<string> {
    const { kid, key } = await this.activeKey();
    return new SignJWT(payload).setProtectedHeader({ alg: TOOL_KEY_ALG, kid, typ: 'JWT' }).setIssuedAt().setExpirationTime(`${lifetimeSeconds}s`).setJti(randomUUID()).sign(key);
  }
}

async function newKey(): Promise<NewToolKey> {
  const { publicKey, privateKey } = await generateKeyPair(TOOL_KEY_ALG, { extractable: true, modulusLength: 2048 });
  const kid = randomUUID();
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: TOOL_KEY_ALG, use: 'sig' };
  return { kid, publicJwk, privateKey: await exportPKCS8(privateKey) };
}
