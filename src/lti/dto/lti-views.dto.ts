// What the LTI admin routes answer (LtiPlatformsService, ToolKeysService, LtiRosterService build
// these shapes): one definition for the services and the OpenAPI document.
import { ApiProperty } from '@nestjs/swagger';

export class PlatformView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Moodle' }) name!: string;
  @ApiProperty({ example: 'https://moodle.example.edu' }) issuer!: string;
  @ApiProperty() clientId!: string;
  @ApiProperty() authLoginUrl!: string;
  @ApiProperty() tokenUrl!: string;
  @ApiProperty() jwksUrl!: string;
  @ApiProperty({ type: String, nullable: true, description: 'the aud of client assertions, when not tokenUrl' }) tokenAudience!: string | null;
  @ApiProperty({ type: [String] }) deploymentIds!: string[];
  @ApiProperty({ example: 'python-memory', description: 'the course its launches land in' }) course!: string;
  @ApiProperty({ example: 'manual', description: 'manual (POST /api/v1/lti/platforms) or dynamic (GET /lti/register)' }) registeredVia!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class RotatedKeyView {
  @ApiProperty({ description: 'the id of the signing key that is active now' }) kid!: string;
}

export class RosterSyncReport {
  @ApiProperty({ example: 'Moodle', description: "the platform's name" }) platform!: string;
  @ApiProperty({ description: 'LMS contexts (courses) with a roster service that were read' }) contexts!: number;
  @ApiProperty({ description: 'members the platform listed' }) members!: number;
  @ApiProperty({ description: 'active members with a course role, enrolled (or kept enrolled)' }) enrolled!: number;
  @ApiProperty({ description: 'who left the LMS course and was unenrolled' }) removed!: number;
}

/** GET /lti/jwks: the tool's public signing keys (the active one and, for a day, the previous). */
export class JwksView {
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, description: 'public JWKs (RFC 7517), each with kid, alg RS256, use sig' })
  keys!: object[];
}

/** GET /lti/configuration: the tool's registration (LTI Dynamic Registration) and the URLs to configure by hand. */
export class ToolConfigurationView {
  @ApiProperty({ example: 'web' }) application_type!: string;
  @ApiProperty({ type: [String] }) response_types!: string[];
  @ApiProperty({ type: [String] }) grant_types!: string[];
  @ApiProperty() initiate_login_uri!: string;
  @ApiProperty({ type: [String] }) redirect_uris!: string[];
  @ApiProperty({ example: 'memgrade' }) client_name!: string;
  @ApiProperty() jwks_uri!: string;
  @ApiProperty({ example: 'private_key_jwt' }) token_endpoint_auth_method!: string;
  @ApiProperty({ description: 'the LTI Advantage scopes, space-separated' }) scope!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'domain, description, target_link_uri, claims, messages' })
  'https://purl.imsglobal.org/spec/lti-tool-configuration'!: object;
  @ApiProperty({ description: 'the one URL an LMS admin pastes for dynamic registration' }) registration_url!: string;
  @ApiProperty() login_url!: string;
  @ApiProperty() launch_url!: string;
  @ApiProperty() jwks_url!: string;
}
