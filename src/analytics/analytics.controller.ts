import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { slugPipe } from '../common/http/path-params';
import { AnalyticsService } from './analytics.service';
import { AnalyticsQuery } from './dto/analytics.query';
import { ExerciseAnalyticsDto } from './dto/exercise-analytics.dto';

@ApiTags('analytics')
@ApiBearerAuth()
@Controller('api/v1/courses/:courseSlug/exercises/:exerciseSlug/analytics')
export class AnalyticsController {
  constructor(private readonly analytics: AnalyticsService) {}

  @Get()
  @ApiOperation({ summary: 'Per-test pass rates, the most common failing message per test, the score histogram and its trend per day (course staff)' })
  @ApiOkResponse({ type: ExerciseAnalyticsDto })
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('courseSlug', slugPipe('course')) courseSlug: string,
    @Param('exerciseSlug', slugPipe('exercise')) exerciseSlug: string,
    @Query() query: AnalyticsQuery,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ExerciseAnalyticsDto> {
    const result = await this.analytics.forExercise(principal, courseSlug, exerciseSlug, query.basis, query.version);
    // Built from personal grades: never kept by a shared cache.
    response.setHeader('Cache-Control', 'no-store');
    return result;
  }
}
