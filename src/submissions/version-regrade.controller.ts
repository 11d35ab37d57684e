import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { slugPipe, versionNumberPipe } from '../common/http/path-params';
import { RegradeViewDto } from './dto/regrade-view.dto';
import { RegradesService } from './regrades.service';

@ApiTags('submissions')
@ApiBearerAuth()
@Controller('api/v1/courses/:courseSlug/exercises/:exerciseSlug/versions/:number')
export class VersionRegradeController {
  constructor(private readonly regrades: RegradesService) {}

  @Post('regrade')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Grade every finished submission of one exercise version again, against that same version (course staff); each keeps its current result until its new one is stored',
  })
  @ApiAcceptedResponse({ type: RegradeViewDto })
  regrade(
    @CurrentPrincipal() principal: Principal,
    @Param('courseSlug', slugPipe('course')) courseSlug: string,
    @Param('exerciseSlug', slugPipe('exercise')) exerciseSlug: string,
    @Param('number', versionNumberPipe('number')) number: number,
  ): Promise<RegradeViewDto> {
    return this.regrades.start(principal, courseSlug, exerciseSlug, number);
  }

  @Get('regrades')
  @ApiOperation({ summary: "A version's regrades, newest first (at most 50), with their progress (course staff)" })
  @ApiOkResponse({ type: [RegradeViewDto] })
  list(
    @CurrentPrincipal() principal: Principal,
    @Param('courseSlug', slugPipe('course')) courseSlug: string,
    @Param('exerciseSlug', slugPipe('exercise')) exerciseSlug: string,
    @Param('number', versionNumberPipe('number')) number: number,
  ): Promise<RegradeViewDto[]> {
    return this.regrades.list(principal, courseSlug, exerciseSlug, number);
  }

  @Get('regrades/:id')
  @ApiOperation({ summary: 'One regrade: how many of its submissions are regraded, failed, pending (course staff)' })
  @ApiOkResponse({ type: RegradeViewDto })
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('courseSlug', slugPipe('course')) courseSlug: string,
    @Param('exerciseSlug', slugPipe('exercise')) exerciseSlug: string,
    @Param('number', versionNumberPipe('number')) number: number,
    @Param('id') id: string,
  ): Promise<RegradeViewDto> {
    return this.regrades.get(principal, courseSlug, exerciseSlug, number, id);
  }
}
