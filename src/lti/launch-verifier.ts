import { decodeJwt, errors, jwtVerify, type JWTPayload } from 'jose';
import { type OutboundPolicy, OutboundUrlError } from '../common/http/outbound-url';
import { LtiLaunchError } from './lti-errors';
import { Claim, LTI_VERSION, MessageType } from './lti-claims';
import { platformJwks } from './platform-jwks';

/** What a verified launch id_token says, with the claims memgrade relies on checked for shape. */
export interface LaunchClaims extends JWTPayload {
  sub?: string;
  nonce: string;
  name?: string;
  given_name?: string;
  family_name?: string;
  email?: string;
  messageType: string;
  deploymentId: string;
  roles: string[];
  raw: Record<string, unknown>;
}

/** iss and aud of a token not yet verified, to find its platform (nothing else is trusted before the signature). */
export function peekIssuer(idToken: string): { iss: unknown; aud: string[] } {
  try {
    const claims = decodeJwt(idToken);
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    return { iss: claims.iss, aud: aud.filter((value): value is string => typeof value === 'string') };
  } catch {
    throw new LtiLaunchError('id_token is not a JWT');
  }
}

/**
 * Verifies a launch id_token (LTI 1.3 Core §5.1.3, OIDC Core §3.2.2.11): RS256 signature with the
 * platform's JWKS, iss, aud (and azp when there are several audiences or azp is given), exp and iat,
 * then message type, version and the required claims. Every failure names its reason.
 */
export async function verifyLaunchToken(idToken: string, platform: { issuer: string; clientId: string; jwksUrl: string }, policy: OutboundPolicy): Promise<LaunchClaims> {
  // Checked here for a clear refusal even while jose's copy of the keys is fresh; jose's fetch goes
  // through the same policy, connected to the address it checks (platform-jwks.ts).
  try {
    await policy.checkUrl(platform.jwksUrl, { unresolvable: 'refuse' });
  } catch (error) {
    throw new LtiLaunchError(`the platform's JWKS URL is refused: ${(error as Error).message}`);
  }
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(idToken, platformJwks(policy, platform.jwksUrl), {
      issuer: platform.issuer,
      audience: platform.clientId,
      algorithms: ['RS256', 'RS384', 'RS512'],
      requiredClaims: ['exp', 'iat', 'nonce'],
      maxTokenAge: '10m',
      clockTolerance: 5,
    }));
  } catch (error) {
    throw new LtiLaunchError(describeJoseError(error, platform));
  }
  const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if ((aud.length > 1 || payload.azp !== undefined) && payload.azp !== platform.clientId) {
    throw new LtiLaunchError(`azp "${String(payload.azp)}" is not memgrade's client id`);
  }
  const raw = payload as Record<string, unknown>;
  const messageType = raw[Claim.messageType];
  if (typeof messageType !== 'string') throw missing(Claim.messageType);
  if (messageType !== MessageType.resourceLink && messageType !== MessageType.deepLinkingRequest) {
    throw new LtiLaunchError(`message type "${messageType}" is not one memgrade handles (${MessageType.resourceLink}, ${MessageType.deepLinkingRequest})`);
  }
  const version = raw[Claim.version];
  if (version === undefined) throw missing(Claim.version);
  if (version !== LTI_VERSION) throw new LtiLaunchError(`LTI version "${String(version)}" is not ${LTI_VERSION}`);
  const deploymentId = raw[Claim.deploymentId];
  if (typeof deploymentId !== 'string' || !deploymentId) throw missing(Claim.deploymentId);
  const roles = raw[Claim.roles];
  if (!Array.isArray(roles) || roles.some((role) => typeof role !== 'string')) throw missing(Claim.roles, 'an array of role URIs');
  if (typeof payload.sub !== 'string' || !payload.sub) throw missing('sub', 'the user id (anonymous launches are not supported)');
  if (messageType === MessageType.resourceLink) {
    const link = raw[Claim.resourceLink] as { id?: unknown } | undefined;
    if (!link || typeof link.id !== 'string' || !link.id) throw missing(Claim.resourceLink, 'an object with an id');
  } else {
    const settings = raw[Claim.deepLinkingSettings] as { deep_link_return_url?: unknown } | undefined;
    if (!settings || typeof settings.deep_link_return_url !== 'string') throw missing(Claim.deepLinkingSettings, 'an object with deep_link_return_url');
  }
  return {
    ...payload,
    nonce: String(payload.nonce),
    messageType,
    deploymentId,
    roles: roles as string[],
    raw,
  } as LaunchClaims;
}

function missing(claim: string, what?: string): LtiLaunchError {
  return new LtiLaunchError(`missing claim ${claim}${what ? ` (${what})` : ''}`);
}

function describeJoseError(error: unknown, platform: { issuer: string; clientId: string }): string {
  if (error instanceof OutboundUrlError) return `the platform's JWKS URL is refused: ${error.message}`;
  if (error instanceof errors.JWTExpired) return 'id_token expired (exp is in the past)';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return `aud is not memgrade's client id "${platform.clientId}"`;
    if (error.claim === 'iss') return `iss is not the platform's issuer "${platform.issuer}"`;
    if (error.claim === 'iat') return `id_token iat is unacceptable (${error.reason === 'check_failed' ? 'too old or in the future' : error.reason})`;
    if (error.reason === 'missing') return `missing claim ${error.claim}`;
    return `claim ${error.claim} is invalid (${error.message})`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return "signature does not verify with the platform's public keys";
  if (error instanceof errors.JWKSNoMatchingKey) return "signature does not verify: the platform's JWKS has no key for this token (kid)";
  if (error instanceof errors.JOSEAlgNotAllowed) return 'id_token is not signed with RS256';
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return `the platform's JWKS could not be read (${(error as Error).message})`;
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return `id_token is malformed (${(error as Error).message})`;
  return `id_token does not verify (${(error as Error).message})`;
}
