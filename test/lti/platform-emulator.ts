/**
 * An LTI 1.3 Advantage *platform* (an LMS), written from the IMS specifications for the tests and
 * independent of memgrade's tool code (nothing under src/lti is imported):
 *
 * - LTI Core 1.3 / Security Framework 1.0: OIDC authorization endpoint (third-party initiated login,
 *   form_post of a signed id_token), JWKS, OAuth 2 client-credentials token endpoint that verifies
 *   the tool's JWT client assertion (RFC 7523) against the tool's JWKS;
 * - Dynamic Registration 1.0: openid-configuration and registration endpoint;
 * - AGS 2.0: line item container, line items, scores (timestamps must increase);
 * - NRPS 2.0: context membership container with paging (Link rel="next");
 * - Deep Linking 2.0: the return URL, which verifies the tool's signed response.
 *
 * A real HTTP server on 127.0.0.1. Launches are prepared by the test (who, what message, which
 * tampering), started at the tool's login initiation URL and finished by the browser (or the test)
 * posting the returned form.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, exportJWK, generateKeyPair, type JWK, jwtVerify, SignJWT, type JWTPayload } from 'jose';

const LTI = 'https://purl.imsglobal.org/spec/lti/claim/';
const DL = 'https://purl.imsglobal.org/spec/lti-dl/claim/';
const AGS_SCOPES = {
  lineItem: 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem',
  lineItemReadOnly: 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly',
  result: 'https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly',
  score: 'https://purl.imsglobal.org/spec/lti-ags/scope/score',
};
const NRPS_SCOPE = 'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly';
export const ROLE = {
  learner: 'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner',
  instructor: 'http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor',
  ta: 'http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant',
};

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

export interface ToolClient {
  clientId: string;
  deploymentId: string;
  loginUrl: string;
  redirectUris: string[];
  jwksUrl: string;
  targetLinkUri: string;
  scopes: string[];
  /** The registration request the tool sent (dynamic registration only). */
  registration?: Record<string, unknown>;
}

export interface Person {
  sub: string;
  name: string;
  email?: string;
  roles: string[];
}

export interface LaunchSpec {
  person: Person;
  messageType?: 'LtiResourceLinkRequest' | 'LtiDeepLinkingRequest';
  contextId?: string;
  resourceLinkId?: string;
  /** Custom parameters of the resource link (a deep-linked item's `custom`). */
  custom?: Record<string, string>;
  /** Line item the AGS endpoint claim names (created on demand when left out for a resource link). */
  lineItemId?: string;
  clientId?: string;
  /** Change the claims before signing: the negative launches. */
  tamper?: (claims: Record<string, unknown>) => Record<string, unknown>;
  /** Sign with a key that is not in the platform's JWKS. */
  signWithForeignKey?: boolean;
}

export interface LineItem {
  id: string;
  contextId: string;
  label: string;
  scoreMaximum: number;
  resourceLinkId?: string;
  resourceId?: string;
  tag?: string;
}

export interface ReceivedScore {
  lineItemId: string;
  score: Record<string, unknown>;
  contentType: string;
  accepted: boolean;
  /** 200 applied, 409 older timestamp than the last one (not applied), 503 the LMS was down. */
  status: number;
  at: number;
}

export interface Member {
  user_id: string;
  name?: string;
  email?: string;
  roles: string[];
  status?: 'Active' | 'Inactive' | 'Deleted';
}

export class PlatformEmulator {
  url = '';
  readonly clients = new Map<string, ToolClient>();
  readonly lineItems = new Map<string, LineItem>();
  /** Every score request that reached the scores endpoint, accepted or not. */
  readonly scores: ReceivedScore[] = [];
  /** Per line item and user, the last accepted score. */
  readonly results = new Map<string, Record<string, unknown>>();
  readonly memberships = new Map<string, Member[]>();
  readonly deepLinkResponses: Record<string, unknown>[] = [];
  readonly tokenRequests: { clientId: string; scopes: string[]; ok: boolean; error?: string }[] = [];
  /** While true, the scores endpoint answers 503 (an LMS that is down). */
  scoresDown = false;
  registrationToken: string | null = 'reg-' + randomBytes(8).toString('hex');
  membershipsPageSize = 2;

  private server?: Server;
  private key!: KeyPair;
  private foreignKey!: KeyPair;
  private readonly kid = randomUUID();
  private readonly launches = new Map<string, LaunchSpec>();
  private readonly tokens = new Map<string, { clientId: string; scopes: string[]; expiresAt: number }>();
  private readonly usedAssertionIds = new Set<string>();
  private readonly toolJwks = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

  get issuer(): string {
    return this.url;
  }

  async start(): Promise<this> {
    this.key = await generateKeyPair('RS256');
    this.foreignKey = await generateKeyPair('RS256');
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: Error) => send(res, 500, { error: 'server_error', error_description: error.message }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** Endpoints an admin would copy into the tool for a manual registration. */
  get endpoints() {
    return { issuer: this.issuer, authLoginUrl: `${this.url}/auth`, tokenUrl: `${this.url}/token`, jwksUrl: `${this.url}/jwks` };
  }

  /** The URL an LMS admin opens for dynamic registration: the tool's registration URL with our parameters. */
  registrationUrl(toolRegistrationUrl: string): string {
    const url = new URL(toolRegistrationUrl);
    url.searchParams.set('openid_configuration', `${this.url}/.well-known/openid-configuration`);
    if (this.registrationToken) url.searchParams.set('registration_token', this.registrationToken);
    return url.toString();
  }

  /** A client configured by hand (manual registration on the platform side). */
  addClient(client: Omit<ToolClient, 'clientId' | 'deploymentId' | 'scopes'> & Partial<Pick<ToolClient, 'clientId' | 'deploymentId' | 'scopes'>>): ToolClient {
    const full: ToolClient = {
      clientId: client.clientId ?? `client-${randomBytes(6).toString('hex')}`,
      deploymentId: client.deploymentId ?? `deployment-${randomBytes(4).toString('hex')}`,
      scopes: client.scopes ?? [...Object.values(AGS_SCOPES), NRPS_SCOPE],
      ...client,
    } as ToolClient;
    this.clients.set(full.clientId, full);
    return full;
  }

  /** The third-party initiated login URL at the tool for a prepared launch (LTI Core §5.1.1). */
  initiateLogin(spec: LaunchSpec): string {
    const client = this.client(spec.clientId);
    const hint = randomUUID();
    this.launches.set(hint, spec);
    const url = new URL(client.loginUrl);
    url.searchParams.set('iss', this.issuer);
    url.searchParams.set('login_hint', spec.person.sub);
    url.searchParams.set('target_link_uri', client.targetLinkUri);
    url.searchParams.set('lti_message_hint', hint);
    url.searchParams.set('client_id', client.clientId);
    url.searchParams.set('lti_deployment_id', client.deploymentId);
    return url.toString();
  }

  createLineItem(contextId: string, item: Omit<LineItem, 'id' | 'contextId'>): LineItem {
    const id = `${this.url}/contexts/${encodeURIComponent(contextId)}/lineitems/${randomUUID()}`;
    const lineItem = { id, contextId, ...item };
    this.lineItems.set(id, lineItem);
    return lineItem;
  }

  /** Accepted scores of one line item. */
  acceptedScores(lineItemId: string): Record<string, unknown>[] {
    return this.scores.filter((s) => s.lineItemId === lineItemId && s.accepted).map((s) => s.score);
  }

  private client(clientId?: string): ToolClient {
    const client = clientId ? this.clients.get(clientId) : [...this.clients.values()].at(-1);
    if (!client) throw new Error('the emulator has no such client registered');
    return client;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const path = url.pathname;
    const body = await readBody(req);
    if (req.method === 'GET' && path === '/.well-known/openid-configuration') return send(res, 200, this.openidConfiguration());
    if (req.method === 'GET' && path === '/jwks') return send(res, 200, { keys: [await this.publicJwk()] });
    if (req.method === 'POST' && path === '/register') return this.register(req, res, body);
    if (req.method === 'GET' && path === '/auth') return this.authorize(url, res);
    if (req.method === 'POST' && path === '/auth') return this.authorize(new URL(`${this.url}/auth?${body}`), res);
    if (req.method === 'POST' && path === '/token') return this.token(res, body);
    if (req.method === 'POST' && path === '/deep-link-return') return this.deepLinkReturn(res, body);
    const lineItems = /^\/contexts\/([^/]+)\/lineitems$/.exec(path);
    if (lineItems) return this.lineItemContainer(req, res, decodeURIComponent(lineItems[1]), body);
    const scores = /^\/contexts\/([^/]+)\/lineitems\/([^/]+)\/scores$/.exec(path);
    if (scores && req.method === 'POST') return this.score(req, res, `${this.url}/contexts/${scores[1]}/lineitems/${scores[2]}`, body);
    const lineItem = /^\/contexts\/([^/]+)\/lineitems\/([^/]+)$/.exec(path);
    if (lineItem && req.method === 'GET') {
      if (!this.authorized(req, res, [AGS_SCOPES.lineItem, AGS_SCOPES.lineItemReadOnly])) return;
      const item = this.lineItems.get(`${this.url}${path}`);
      return item ? send(res, 200, item) : send(res, 404, { error: 'no such line item' });
    }
    const members = /^\/contexts\/([^/]+)\/memberships$/.exec(path);
    if (members && req.method === 'GET') return this.membershipContainer(req, res, url, decodeURIComponent(members[1]));
    send(res, 404, { error: `the emulator has no ${req.method} ${path}` });
  }

  private openidConfiguration() {
    return {
      issuer: this.issuer,
      authorization_endpoint: `${this.url}/auth`,
      token_endpoint: `${this.url}/token`,
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['RS256'],
      jwks_uri: `${this.url}/jwks`,
      registration_endpoint: `${this.url}/register`,
      scopes_supported: ['openid', ...Object.values(AGS_SCOPES), NRPS_SCOPE],
      response_types_supported: ['id_token'],
      subject_types_supported: ['public', 'pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      claims_supported: ['sub', 'iss', 'name', 'given_name', 'family_name', 'email'],
      'https://purl.imsglobal.org/spec/lti-platform-configuration': {
        product_family_code: 'memgrade-test-lms',
        version: '1.0',
        messages_supported: [{ type: 'LtiResourceLinkRequest' }, { type: 'LtiDeepLinkingRequest' }],
      },
    };
  }

  /** Dynamic Registration 1.0 §3.5–3.6. */
  private async register(req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> {
    if (this.registrationToken && req.headers.authorization !== `Bearer ${this.registrationToken}`) return send(res, 401, { error: 'invalid_token' });
    let registration: Record<string, unknown>;
    try {
      registration = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return send(res, 400, { error: 'invalid_client_metadata', error_description: 'not JSON' });
    }
    const tool = registration['https://purl.imsglobal.org/spec/lti-tool-configuration'] as Record<string, unknown> | undefined;
    const problems: string[] = [];
    if (registration.application_type !== 'web') problems.push('application_type must be web');
    if (!Array.isArray(registration.response_types) || !registration.response_types.includes('id_token')) problems.push('response_types must include id_token');
    if (!Array.isArray(registration.grant_types) || !registration.grant_types.includes('implicit') || !registration.grant_types.includes('client_credentials'))
      problems.push('grant_types must include implicit and client_credentials');
    if (typeof registration.initiate_login_uri !== 'string') problems.push('initiate_login_uri missing');
    if (!Array.isArray(registration.redirect_uris) || !registration.redirect_uris.length) problems.push('redirect_uris missing');
    if (typeof registration.jwks_uri !== 'string') problems.push('jwks_uri missing');
    if (registration.token_endpoint_auth_method !== 'private_key_jwt') problems.push('token_endpoint_auth_method must be private_key_jwt');
    if (!tool || typeof tool.target_link_uri !== 'string' || typeof tool.domain !== 'string') problems.push('lti-tool-configuration with domain and target_link_uri missing');
    if (problems.length) return send(res, 400, { error: 'invalid_client_metadata', error_description: problems.join('; ') });
    const client = this.addClient({
      loginUrl: registration.initiate_login_uri as string,
      redirectUris: registration.redirect_uris as string[],
      jwksUrl: registration.jwks_uri as string,
      targetLinkUri: tool!.target_link_uri as string,
      scopes: String(registration.scope ?? '')
        .split(' ')
        .filter(Boolean),
      registration,
    });
    send(res, 200, {
      client_id: client.clientId,
      registration_client_uri: `${this.url}/register/${client.clientId}`,
      ...registration,
      'https://purl.imsglobal.org/spec/lti-tool-configuration': { ...tool, deployment_id: client.deploymentId },
    });
  }

  /** OIDC authorization endpoint (LTI Core §5.1.2 / Security Framework §5.1.1.2–3). */
  private async authorize(url: URL, res: ServerResponse): Promise<void> {
    const q = Object.fromEntries(url.searchParams);
    const fail = (reason: string) => send(res, 400, { error: 'invalid_request', error_description: reason });
    if (q.scope !== 'openid') return fail('scope must be openid');
    if (q.response_type !== 'id_token') return fail('response_type must be id_token');
    if (q.response_mode !== 'form_post') return fail('response_mode must be form_post');
    if (q.prompt !== 'none') return fail('prompt must be none');
    if (!q.nonce) return fail('nonce missing');
    const client = this.clients.get(q.client_id ?? '');
    if (!client) return fail('unknown client_id');
    if (!client.redirectUris.includes(q.redirect_uri ?? '')) return fail('redirect_uri is not registered');
    const spec = this.launches.get(q.lti_message_hint ?? '');
    if (!spec || spec.person.sub !== q.login_hint) return fail('login_hint / lti_message_hint do not name a launch');
    this.launches.delete(q.lti_message_hint);
    const idToken = await this.idToken(client, spec, q.nonce);
    const html =
      `<!doctype html><html><body><form id="launch" method="post" action="${esc(q.redirect_uri)}">` +
      `<input type="hidden" name="id_token" value="${esc(idToken)}">${q.state !== undefined ? `<input type="hidden" name="state" value="${esc(q.state)}">` : ''}` +
      `<button type="submit">Continue</button></form><script>document.getElementById('launch').submit()</script></body></html>`;
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(html);
  }

  private async idToken(client: ToolClient, spec: LaunchSpec, nonce: string): Promise<string> {
    const messageType = spec.messageType ?? 'LtiResourceLinkRequest';
    const contextId = spec.contextId ?? 'course-1';
    let claims: Record<string, unknown> = {
      iss: this.issuer,
      aud: client.clientId,
      azp: client.clientId,
      sub: spec.person.sub,
      nonce,
      name: spec.person.name,
      email: spec.person.email,
      [`${LTI}message_type`]: messageType,
      [`${LTI}version`]: '1.3.0',
      [`${LTI}deployment_id`]: client.deploymentId,
      [`${LTI}target_link_uri`]: client.targetLinkUri,
      [`${LTI}roles`]: spec.person.roles,
      [`${LTI}context`]: { id: contextId, label: contextId, title: `Course ${contextId}`, type: ['http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering'] },
      [`${LTI}tool_platform`]: { guid: 'emulator', product_family_code: 'memgrade-test-lms', version: '1' },
      'https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice': {
        context_memberships_url: `${this.url}/contexts/${encodeURIComponent(contextId)}/memberships`,
        service_versions: ['2.0'],
      },
    };
    const ags: Record<string, unknown> = {
      scope: client.scopes.filter((s) => s.includes('lti-ags')),
      lineitems: `${this.url}/contexts/${encodeURIComponent(contextId)}/lineitems`,
    };
    if (messageType === 'LtiResourceLinkRequest') {
      claims[`${LTI}resource_link`] = { id: spec.resourceLinkId ?? 'link-1', title: 'An exercise' };
      if (spec.custom) claims[`${LTI}custom`] = spec.custom;
      if (spec.lineItemId) ags.lineitem = spec.lineItemId;
    } else {
      claims[`${DL}deep_linking_settings`] = {
        deep_link_return_url: `${this.url}/deep-link-return`,
        accept_types: ['ltiResourceLink'],
        accept_presentation_document_targets: ['iframe', 'window'],
        accept_multiple: true,
        auto_create: true,
        data: 'opaque-dl-data',
      };
    }
    claims['https://purl.imsglobal.org/spec/lti-ags/claim/endpoint'] = ags;
    if (spec.tamper) claims = spec.tamper(claims);
    const { exp, iat, ...rest } = claims as { exp?: number; iat?: number };
    const jwt = new SignJWT(rest as JWTPayload).setProtectedHeader({ alg: 'RS256', kid: this.kid, typ: 'JWT' });
    const now = Math.floor(Date.now() / 1000);
    jwt.setIssuedAt(iat ?? now).setExpirationTime(exp ?? now + 300);
    return jwt.sign(spec.signWithForeignKey ? this.foreignKey.privateKey : this.key.privateKey);
  }

  /** RFC 6749 §4.4 with RFC 7523 client authentication (LTI Security Framework §4.1). */
  private async token(res: ServerResponse, raw: string): Promise<void> {
    const form = Object.fromEntries(new URLSearchParams(raw));
    const fail = (status: number, error: string, description: string, clientId = '?') => {
      this.tokenRequests.push({ clientId, scopes: [], ok: false, error: description });
      send(res, status, { error, error_description: description });
    };
    if (form.grant_type !== 'client_credentials') return fail(400, 'unsupported_grant_type', 'grant_type must be client_credentials');
    if (form.client_assertion_type !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') return fail(400, 'invalid_request', 'client_assertion_type must be jwt-bearer');
    if (!form.client_assertion) return fail(400, 'invalid_request', 'client_assertion missing');
    let payload: JWTPayload;
    let client: ToolClient | undefined;
    try {
      const unverified = JSON.parse(Buffer.from(form.client_assertion.split('.')[1] ?? '', 'base64url').toString('utf8')) as JWTPayload;
      client = this.clients.get(String(unverified.iss));
      if (!client) return fail(401, 'invalid_client', 'unknown client (iss)');
      let jwks = this.toolJwks.get(client.jwksUrl);
      if (!jwks) this.toolJwks.set(client.jwksUrl, (jwks = createRemoteJWKSet(new URL(client.jwksUrl), { cooldownDuration: 0 })));
      ({ payload } = await jwtVerify(form.client_assertion, jwks, {
        issuer: client.clientId,
        subject: client.clientId,
        audience: `${this.url}/token`,
        algorithms: ['RS256'],
        requiredClaims: ['exp', 'iat', 'jti'],
      }));
    } catch (error) {
      return fail(401, 'invalid_client', `client assertion refused: ${(error as Error).message}`, client?.clientId);
    }
    if (this.usedAssertionIds.has(String(payload.jti))) return fail(401, 'invalid_client', 'client assertion jti was used before', client.clientId);
    this.usedAssertionIds.add(String(payload.jti));
    const requested = String(form.scope ?? '')
      .split(' ')
      .filter(Boolean);
    const granted = requested.filter((scope) => client!.scopes.includes(scope));
    if (!granted.length) return fail(400, 'invalid_scope', `none of the scopes is granted to this client: ${requested.join(' ')}`, client.clientId);
    const token = randomBytes(24).toString('hex');
    this.tokens.set(token, { clientId: client.clientId, scopes: granted, expiresAt: Date.now() + 3600_000 });
    this.tokenRequests.push({ clientId: client.clientId, scopes: granted, ok: true });
    send(res, 200, { access_token: token, token_type: 'Bearer', expires_in: 3600, scope: granted.join(' ') });
  }

  private authorized(req: IncomingMessage, res: ServerResponse, anyOf: string[]): boolean {
    const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    const token = match ? this.tokens.get(match[1]) : undefined;
    if (!token || token.expiresAt < Date.now()) {
      send(res, 401, { error: 'invalid_token' });
      return false;
    }
    if (!anyOf.some((scope) => token.scopes.includes(scope))) {
      send(res, 403, { error: 'insufficient_scope' });
      return false;
    }
    return true;
  }

  /** AGS 2.0 §3.2: GET the container, POST a new line item. */
  private lineItemContainer(req: IncomingMessage, res: ServerResponse, contextId: string, raw: string): void {
    if (req.method === 'GET') {
      if (!this.authorized(req, res, [AGS_SCOPES.lineItem, AGS_SCOPES.lineItemReadOnly])) return;
      return send(
        res,
        200,
        [...this.lineItems.values()].filter((item) => item.contextId === contextId),
        'application/vnd.ims.lis.v2.lineitemcontainer+json',
      );
    }
    if (req.method !== 'POST') return send(res, 405, { error: 'method not allowed' });
    if (!this.authorized(req, res, [AGS_SCOPES.lineItem])) return;
    if (!String(req.headers['content-type']).startsWith('application/vnd.ims.lis.v2.lineitem+json'))
      return send(res, 415, { error: 'content type must be application/vnd.ims.lis.v2.lineitem+json' });
    const item = JSON.parse(raw) as Partial<LineItem>;
    if (typeof item.scoreMaximum !== 'number' || !(item.scoreMaximum > 0) || typeof item.label !== 'string' || !item.label)
      return send(res, 400, { error: 'scoreMaximum (> 0) and label are required' });
    const created = this.createLineItem(contextId, {
      label: item.label,
      scoreMaximum: item.scoreMaximum,
      resourceLinkId: item.resourceLinkId,
      resourceId: item.resourceId,
      tag: item.tag,
    });
    send(res, 201, created, 'application/vnd.ims.lis.v2.lineitem+json');
  }

  /** AGS 2.0 §3.4: a score; refused while "down"; an older timestamp than the last one is not applied. */
  private score(req: IncomingMessage, res: ServerResponse, lineItemId: string, raw: string): void {
    const contentType = String(req.headers['content-type'] ?? '');
    if (this.scoresDown) {
      this.scores.push({ lineItemId, score: safeJson(raw), contentType, accepted: false, status: 503, at: Date.now() });
      return send(res, 503, { error: 'the LMS is down' });
    }
    if (!this.authorized(req, res, [AGS_SCOPES.score])) return;
    if (!this.lineItems.has(lineItemId)) return send(res, 404, { error: 'no such line item' });
    if (!contentType.startsWith('application/vnd.ims.lis.v1.score+json')) return send(res, 415, { error: 'content type must be application/vnd.ims.lis.v1.score+json' });
    const score = safeJson(raw);
    const problems: string[] = [];
    if (typeof score.userId !== 'string') problems.push('userId');
    if (typeof score.timestamp !== 'string' || Number.isNaN(Date.parse(score.timestamp)) || !/T.*(Z|[+-]\d\d:\d\d)$/.test(score.timestamp))
      problems.push('timestamp (ISO 8601 with offset)');
    if (!['Initialized', 'Started', 'InProgress', 'Submitted', 'Completed'].includes(String(score.activityProgress))) problems.push('activityProgress');
    if (!['FullyGraded', 'Pending', 'PendingManual', 'Failed', 'NotReady'].includes(String(score.gradingProgress))) problems.push('gradingProgress');
    if (score.scoreGiven !== undefined && (typeof score.scoreGiven !== 'number' || score.scoreGiven < 0)) problems.push('scoreGiven');
    if (score.scoreGiven !== undefined && (typeof score.scoreMaximum !== 'number' || !(score.scoreMaximum > 0))) problems.push('scoreMaximum');
    if (problems.length) return send(res, 400, { error: `invalid score: ${problems.join(', ')}` });
    const key = `${lineItemId} ${score.userId}`;
    const last = this.results.get(key);
    // §3.4.7: a score whose timestamp is not after the last one received must not update the result.
    const accepted = !last || Date.parse(String(score.timestamp)) > Date.parse(String(last.timestamp));
    this.scores.push({ lineItemId, score, contentType, accepted, status: accepted ? 200 : 409, at: Date.now() });
    if (!accepted) return send(res, 409, { error: 'timestamp is not later than the last score' });
    this.results.set(key, score);
    send(res, 200, {});
  }

  /** NRPS 2.0 §2.4: the membership container, paged with `limit` and Link rel="next". */
  private membershipContainer(req: IncomingMessage, res: ServerResponse, url: URL, contextId: string): void {
    if (!this.authorized(req, res, [NRPS_SCOPE])) return;
    if (!String(req.headers.accept ?? '').includes('application/vnd.ims.lti-nrps.v2.membershipcontainer+json')) return send(res, 406, { error: 'accept the NRPS media type' });
    const all = this.memberships.get(contextId) ?? [];
    const offset = Number(url.searchParams.get('offset') ?? 0);
    const page = all.slice(offset, offset + this.membershipsPageSize);
    const headers: Record<string, string> = {};
    if (offset + this.membershipsPageSize < all.length) {
      headers.Link = `<${this.url}/contexts/${encodeURIComponent(contextId)}/memberships?offset=${offset + this.membershipsPageSize}>; rel="next"`;
    }
    send(
      res,
      200,
      { id: url.toString(), context: { id: contextId, title: `Course ${contextId}` }, members: page },
      'application/vnd.ims.lti-nrps.v2.membershipcontainer+json',
      headers,
    );
  }

  /** Deep Linking 2.0 §4.2: the tool's response JWT, verified with the tool's JWKS. */
  private async deepLinkReturn(res: ServerResponse, raw: string): Promise<void> {
    const form = Object.fromEntries(new URLSearchParams(raw));
    try {
      const unverified = JSON.parse(Buffer.from((form.JWT ?? '').split('.')[1] ?? '', 'base64url').toString('utf8')) as JWTPayload;
      const client = this.clients.get(String(unverified.iss));
      if (!client) throw new Error('unknown client');
      const { payload } = await jwtVerify(form.JWT, createRemoteJWKSet(new URL(client.jwksUrl)), {
        issuer: client.clientId,
        audience: this.issuer,
        algorithms: ['RS256'],
        requiredClaims: ['exp', 'iat', 'nonce'],
      });
      if (payload[`${LTI}message_type`] !== 'LtiDeepLinkingResponse') throw new Error('message_type is not LtiDeepLinkingResponse');
      if (payload[`${LTI}version`] !== '1.3.0') throw new Error('version is not 1.3.0');
      if (payload[`${LTI}deployment_id`] !== client.deploymentId) throw new Error('deployment_id is not this client’s');
      if (payload[`${DL}data`] !== 'opaque-dl-data') throw new Error('data was not echoed');
      this.deepLinkResponses.push(payload);
      // auto_create: each item's lineItem becomes a line item of the context.
      for (const item of (payload[`${DL}content_items`] as Record<string, unknown>[]) ?? []) {
        const lineItem = item.lineItem as { scoreMaximum?: number; label?: string; resourceId?: string; tag?: string } | undefined;
        if (lineItem?.scoreMaximum)
          this.createLineItem('course-1', { label: lineItem.label ?? String(item.title), scoreMaximum: lineItem.scoreMaximum, resourceId: lineItem.resourceId, tag: lineItem.tag });
      }
      res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><p id="dl-ok">Items added</p>');
    } catch (error) {
      send(res, 400, { error: `deep-linking response refused: ${(error as Error).message}` });
    }
  }

  private async publicJwk(): Promise<JWK> {
    return { ...(await exportJWK(this.key.publicKey)), kid: this.kid, alg: 'RS256', use: 'sig' };
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, contentType = 'application/json', headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'Content-Type': contentType, ...headers }).end(JSON.stringify(body));
}

function safeJson(raw: string): Record<string, unknown> {
  try {
    return JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return {};
  }
}

const esc = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
