import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsString, IsUrl, Length, Matches, MaxLength } from 'class-validator';
import { Optional } from '../../common/http/optional';

const URL_OPTIONS = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };
const URL_MESSAGE = 'must be an absolute http:// or https:// URL';

/** Manual registration of an LTI 1.3 platform: what its admin pages show for a tool. */
export class CreatePlatformDto {
  @ApiProperty({ example: 'Moodle of Example University' })
  @IsString({ message: 'must be a string' })
  @Length(1, 200, { message: 'must be 1 to 200 characters' })
  name!: string;

  @ApiProperty({ example: 'https://moodle.example.edu', description: 'the `iss` of its id_tokens' })
  @IsString({ message: 'must be a string' })
  @Length(1, 500, { message: 'must be 1 to 500 characters' })
  issuer!: string;

  @ApiProperty({ example: 'aBc123', description: 'the client id the platform gave memgrade' })
  @IsString({ message: 'must be a string' })
  @Length(1, 500, { message: 'must be 1 to 500 characters' })
  clientId!: string;

  @ApiProperty({ example: 'https://moodle.example.edu/mod/lti/auth.php', description: 'OIDC authorization endpoint' })
  @IsUrl(URL_OPTIONS, { message: URL_MESSAGE })
  @MaxLength(2000, { message: 'must be at most 2000 characters' })
  authLoginUrl!: string;

  @ApiProperty({ example: 'https://moodle.example.edu/mod/lti/token.php', description: 'OAuth 2 token endpoint' })
  @IsUrl(URL_OPTIONS, { message: URL_MESSAGE })
  @MaxLength(2000, { message: 'must be at most 2000 characters' })
  tokenUrl!: string;

  @ApiProperty({ example: 'https://moodle.example.edu/mod/lti/certs.php', description: 'the platform’s public keys (JWKS)' })
  @IsUrl(URL_OPTIONS, { message: URL_MESSAGE })
  @MaxLength(2000, { message: 'must be at most 2000 characters' })
  jwksUrl!: string;

  @ApiPropertyOptional({ description: 'audience of client assertions when it is not the token endpoint' })
  @Optional()
  @IsString({ message: 'must be a string' })
  @MaxLength(2000, { message: 'must be at most 2000 characters' })
  tokenAudience?: string;

  @ApiProperty({ example: ['1'], description: 'deployment ids launches may carry' })
  @IsArray({ message: 'must be an array of deployment ids' })
  @ArrayMaxSize(100, { message: 'must have at most 100 entries' })
  @IsString({ each: true, message: 'must contain only strings' })
  @Length(1, 255, { each: true, message: 'must contain ids of 1 to 255 characters' })
  deploymentIds!: string[];

  @ApiProperty({ example: 'python-memory', description: 'the memgrade course its launches belong to' })
  @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'must be a course slug' })
  course!: string;
}
