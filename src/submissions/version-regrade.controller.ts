import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { SubmissionsService } from './submissions.service';
import { slugPipe, versionNumberPipe } from '../common/http/path-params';

@ApiTags('submissions')
@ApiBearerAuth()
@Controller('api/v1/courses/:courseSlug/exercises/:exerciseSlug/versions/:number/regrade')
export class VersionRegradeController {
  constructor(private readonly submissions: SubmissionsService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Grade every finished submission of one exercise version again, against that same version (course staff)' })
  regrade(
    @CurrentPrincipal() principal: Principal,
    @Param('courseSlug', slugPipe('course')) courseSlug: string,
    @Param('exerciseSlug', slugPipe('exercise')) exerciseSlug: string,
    @Param('number', versionNumberPipe('number')) number: number,
  ): Promise<{ queued: number }> {
    return this.submissions.regradeVersion(principal, courseSlug, exerciseSlug, number);
  }
}
