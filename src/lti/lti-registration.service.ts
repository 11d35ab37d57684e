import { OutboundPolicy } from '../common/http/outbound-url';
import { timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfigService } from '../config/app-config';
import { MessageType, TOOL_SCOPES } from './lti-claims';
import { LtiLaunchError } from './lti-errors';
import { httpUrl, platformRequest } from './lti-http';
import { LtiPlatformRepository } from './lti-platform.repository';
import { LtiPlatformsService, type PlatformView } from './lti-platforms.service';
import type { ToolUrls } from './tool-urls';

/** What memgrade reads of a platform's OpenID configuration (Dynamic Registration 1.0 §3.4). */
interface PlatformConfiguration {
  issuer?: unknown;
  authorization_endpoint?: unknown;
  token_endpoint?: unknown;
  jwks_uri?: unknown;
  registration_endpoint?: unknown;
  authorization_server?: unknown;
  scopes_supported?: unknown;
  'https://purl.imsglobal.org/spec/lti-platform-configuration'?: { product_family_code?: unknown; messages_supported?: unknown };
}

/** The client registration memgrade sends (Dynamic Registration 1.0 §3.5). */
export function toolRegistration(urls: ToolUrls, scopesSupported?: string[]) {
  // Only the scopes the platform lists, unless it lists none of them (then it just did not say).
  const listed = scopesSupported ? TOOL_SCOPES.filter((scope) => scopesSupported.includes(scope)) : [];
  const scopes = listed.length ? listed : TOOL_SCOPES;
  return {
    application_type: 'web',
    response_types: ['id_token'],
    grant_types: ['implicit', 'client_credentials'],
    initiate_login_uri: urls.login,
    redirect_uris: [urls.launch],
    client_name: 'memgrade',
    jwks_uri: urls.jwks,
    token_endpoint_auth_method: 'private_key_jwt',
    scope: scopes.join(' '),
    'https://purl.imsglobal.org/spec/lti-tool-configuration': {
      domain: urls.domain,
      description: 'Automated grading of Python memory-management exercises',
      target_link_uri: urls.launch,
      claims: ['iss', 'sub', 'name', 'given_name', 'family_name', 'email'],
      messages: [
        { type: MessageType.deepLinkingRequest, target_link_uri: urls.launch, label: 'memgrade exercise', placements: ['ContentArea'], supported_types: ['ltiResourceLink'] },
        { type: MessageType.resourceLink, target_link_uri: urls.launch, label: 'memgrade' },
      ],
    },
  };
}

/** LTI Dynamic Registration 1.0: fetch the platform's configuration, register memgrade, store the platform. */
@Injectable()
export class LtiRegistrationService {
  constructor(
    private readonly outbound: OutboundPolicy,
    private readonly platformRows: LtiPlatformRepository,
    private readonly platforms: LtiPlatformsService,
    private readonly config: AppConfigService,
  ) {}

  async register(query: { openid_configuration?: unknown; registration_token?: unknown; secret?: unknown }, urls: ToolUrls): Promise<PlatformView> {
    const required = this.config.values.LTI_REGISTRATION_SECRET;
    if (required && !(typeof query.secret === 'string' && same(query.secret, required))) {
      throw new LtiLaunchError('this registration URL needs the secret memgrade’s administrator set (LTI_REGISTRATION_SECRET): add ?secret=… as the README says');
    }
    const configUrl = httpUrl(query.openid_configuration);
    if (!configUrl) throw new LtiLaunchError('missing openid_configuration: open this URL from the LMS’s “register a tool” page');
    const { body: platform } = await platformRequest<PlatformConfiguration>(this.outbound, 'openid configuration', configUrl, { headers: { Accept: 'application/json' } }).catch(
      (error: Error) => {
        throw new LtiLaunchError(error.message);
      },
    );
    const issuer = typeof platform.issuer === 'string' ? platform.issuer : null;
    if (!issuer) throw new LtiLaunchError('the platform’s configuration has no issuer');
    // §3.5.1: the configuration must come from the issuer's own host.
    if (new URL(issuer).host !== new URL(configUrl).host) throw new LtiLaunchError(`the configuration URL is not on the issuer’s host (${new URL(issuer).host})`);
    const endpoints = {
      authLoginUrl: httpUrl(platform.authorization_endpoint),
      tokenUrl: httpUrl(platform.token_endpoint),
      jwksUrl: httpUrl(platform.jwks_uri),
      registration: httpUrl(platform.registration_endpoint),
    };
    for (const [name, value] of Object.entries({
      authorization_endpoint: endpoints.authLoginUrl,
      token_endpoint: endpoints.tokenUrl,
      jwks_uri: endpoints.jwksUrl,
      registration_endpoint: endpoints.registration,
    })) {
      if (!value) throw new LtiLaunchError(`the platform’s configuration has no usable ${name}`);
    }
    const course = await this.platformRows.courseBySlug(this.config.values.LTI_REGISTRATION_COURSE);
    if (!course) throw new LtiLaunchError(`memgrade has no course "${this.config.values.LTI_REGISTRATION_COURSE}" (LTI_REGISTRATION_COURSE) to register platforms in`);
    const scopes = Array.isArray(platform.scopes_supported) ? platform.scopes_supported.filter((s): s is string => typeof s === 'string') : undefined;
    const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
    if (typeof query.registration_token === 'string' && query.registration_token) headers.Authorization = `Bearer ${query.registration_token}`;
    const { body: client } = await platformRequest<{ client_id?: unknown; 'https://purl.imsglobal.org/spec/lti-tool-configuration'?: { deployment_id?: unknown } }>(
      this.outbound,
      'registration',
      endpoints.registration as string,
      { method: 'POST', headers, body: JSON.stringify(toolRegistration(urls, scopes)) },
    ).catch((error: Error) => {
      throw new LtiLaunchError(error.message);
    });
    if (typeof client.client_id !== 'string' || !client.client_id) throw new LtiLaunchError('the platform’s registration answer has no client_id');
    const rawDeployment = client['https://purl.imsglobal.org/spec/lti-tool-configuration']?.deployment_id;
    const deploymentId = typeof rawDeployment === 'number' ? String(rawDeployment) : rawDeployment;
    const family = platform['https://purl.imsglobal.org/spec/lti-platform-configuration']?.product_family_code;
    const created = await this.platforms.create({
      name: `${typeof family === 'string' ? family : 'LMS'} at ${new URL(issuer).host}`,
      issuer,
      clientId: client.client_id,
      authLoginUrl: endpoints.authLoginUrl as string,
      tokenUrl: endpoints.tokenUrl as string,
      jwksUrl: endpoints.jwksUrl as string,
      tokenAudience: httpUrl(platform.authorization_server) ?? undefined,
      deploymentIds: typeof deploymentId === 'string' && deploymentId ? [deploymentId] : [],
      courseId: course.id,
      registeredVia: 'dynamic',
    });
    return this.platforms.view(created);
  }
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
