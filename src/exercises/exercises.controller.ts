import { Body, Controller, Get, HttpCode, Param, Post, Res, UseInterceptors } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { PublishExerciseDto } from './dto/publish-exercise.dto';
import { ExerciseArchiveInterceptor } from './exercise-archive.interceptor';
import { ExerciseDetail, ExerciseSummary, ExerciseVersionView, PublishedVersion } from './dto/exercise-views.dto';
import { ExercisePublishingService } from './exercise-publishing.service';
import { ExercisesService } from './exercises.service';
import { slugPipe, versionNumberPipe } from '../common/http/path-params';

@ApiTags('exercises')
@ApiBearerAuth()
@Controller('api/v1/courses/:courseSlug/exercises')
export class ExercisesController {
  constructor(
    private readonly exercises: ExercisesService,
    private readonly publishing: ExercisePublishingService,
  ) {}

  @Post()
  @UseInterceptors(ExerciseArchiveInterceptor)
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiOperation({
    summary:
      'Publish an exercise folder (JSON { slug, files } or a .zip as multipart "archive"): 202 and a new version that is validated in the sandbox before students get it; 200 when this content was published before',
  })
  @ApiAcceptedResponse({ type: PublishedVersion, description: 'a new version, validated in the sandbox before students get it' })
  @ApiOkResponse({ type: PublishedVersion, description: 'this content was published before (created: false)' })
  async publish(
    @CurrentPrincipal() principal: Principal,
    @Param('courseSlug', slugPipe('course')) courseSlug: string,
    @Body() dto: PublishExerciseDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PublishedVersion> {
    const published = await this.publishing.publishAs(principal, courseSlug, dto.slug, dto.files);
    response.status(published.created ? 202 : 200);
    return published;
  }

  @Get()
  @ApiOperation({ summary: 'Published exercises of a course, with the files a student submits and the limits' })
  @ApiOkResponse({ type: [ExerciseSummary] })
  list(@CurrentPrincipal() principal: Principal, @Param('courseSlug', slugPipe('course')) courseSlug: string): Promise<ExerciseSummary[]> {
    return this.exercises.listForCourse(principal, courseSlug);
  }

  @Get(':exerciseSlug')
  @ApiOperation({ summary: 'A published exercise: statement (Markdown), starter code, tests and limits' })
  @ApiOkResponse({ type: ExerciseDetail })
  detail(@CurrentPrincipal() principal: Principal, @Param('courseSlug', slugPipe('course')) courseSlug: string, @Param('exerciseSlug', slugPipe('exercise')) exerciseSlug: string): Promise<ExerciseDetail> {
    return this.exercises.detail(principal, courseSlug, exerciseSlug);
  }

  @Get(':exerciseSlug/versions')
  @ApiOperation({ summary: 'Every version of an exercise with its validation report (course staff)' })
  @ApiOkResponse({ type: [ExerciseVersionView] })
  versions(@CurrentPrincipal() principal: Principal, @Param('courseSlug', slugPipe('course')) courseSlug: string, @Param('exerciseSlug', slugPipe('exercise')) exerciseSlug: string): Promise<ExerciseVersionView[]> {
    return this.exercises.versions(principal, courseSlug, exerciseSlug);
  }

  @Post(':exerciseSlug/versions/:number/current')
  @HttpCode(200)
  @ApiOperation({ summary: 'Make a valid version the one new submissions are graded against: roll back, or forward again (admin, the course\'s instructors)' })
  @ApiOkResponse({ type: ExerciseVersionView })
  makeCurrent(
    @CurrentPrincipal() principal: Principal,
    @Param('courseSlug', slugPipe('course')) courseSlug: string,
    @Param('exerciseSlug', slugPipe('exercise')) exerciseSlug: string,
    @Param('number', versionNumberPipe('number')) number: number,
  ): Promise<ExerciseVersionView> {
    return this.exercises.makeCurrent(principal, courseSlug, exerciseSlug, number);
  }
}
