import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccessPolicy } from '../access/access-policy';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { slugPipe } from '../common/http/path-params';
import { uuidPipe } from '../common/http/uuid.pipe';
import { CreatePlatformDto } from './dto/create-platform.dto';
import { PlatformView, RosterSyncReport, RotatedKeyView } from './dto/lti-views.dto';
import { LtiPlatformsService } from './lti-platforms.service';
import { LtiRosterService } from './lti-roster.service';
import { ToolKeysService } from './tool-keys.service';

@ApiTags('lti')
@ApiBearerAuth()
@Controller('api/v1')
export class LtiAdminController {
  constructor(
    private readonly platforms: LtiPlatformsService,
    private readonly keys: ToolKeysService,
    private readonly roster: LtiRosterService,
    private readonly access: AccessPolicy,
  ) {}

  @Post('lti/platforms')
  @Roles('admin')
  @ApiOperation({ summary: 'Register an LTI 1.3 platform by hand (dynamic registration: GET /lti/register)' })
  @ApiCreatedResponse({ type: PlatformView })
  create(@Body() dto: CreatePlatformDto): Promise<PlatformView> {
    return this.platforms.createManual(dto);
  }

  @Get('lti/platforms')
  @Roles('admin')
  @ApiOperation({ summary: 'Registered LTI platforms' })
  @ApiOkResponse({ type: [PlatformView] })
  list(): Promise<PlatformView[]> {
    return this.platforms.list();
  }

  @Delete('lti/platforms/:id')
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Forget an LTI platform (its links, people mapping and launch state)' })
  @ApiNoContentResponse()
  remove(@Param('id', uuidPipe('id')) id: string): Promise<void> {
    return this.platforms.remove(id);
  }

  @Post('lti/keys/rotate')
  @Roles('admin')
  @ApiOperation({ summary: 'Make a new signing key active; the previous one stays published at /lti/jwks for a day' })
  @ApiCreatedResponse({ type: RotatedKeyView })
  rotate(): Promise<RotatedKeyView> {
    return this.keys.rotate();
  }

  @Post('courses/:courseSlug/lti/roster-sync')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sync the course roster from its LTI platforms (NRPS): members enrolled, people who left unenrolled' })
  @ApiOkResponse({ type: [RosterSyncReport], description: 'one report per LTI platform of the course' })
  async syncRoster(@CurrentPrincipal() principal: Principal, @Param('courseSlug', slugPipe('course')) courseSlug: string): Promise<RosterSyncReport[]> {
    const course = await this.access.findFor(principal, courseSlug, 'manageMembers');
    return this.roster.syncCourse(course.id);
  }
}
