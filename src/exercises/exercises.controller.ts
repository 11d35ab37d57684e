import { Body, Controller, Get, HttpCode, Param, Post, Res, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { PublishExerciseDto } from './dto/publish-exercise.dto';
import { ExerciseArchiveInterceptor } from './exercise-archive.interceptor';
import { ExercisePublishingService, type PublishedVersion } from './exercise-publishing.service';
import { ExercisesService, type ExerciseDetail, type ExerciseSummary, type ExerciseVersionView } from './exercises.service';
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
  list(@CurrentPrincipal() principal: Principal, @Param('courseSlug', slugPipe('course')) courseSlug: string): Promise<ExerciseSummary[]> {
    return this.exercises.listForCourse(principal, courseSlug);
  }

  @Get(':exerciseSlug')
  @ApiOperation({ summary: 'A published exercise: statement (Markdown), starter code, tests and limits' })
  detail(@CurrentPrincipal() principal: Principal, @Param('courseSlug', slugPipe('course')) courseSlug: string, @Param('exerciseSlug', slugPipe('exercise')) exerciseSlug: string): Promise<ExerciseDetail> {
    return this.exercises.detail(principal, courseSlug, exerciseSlug);
  }

  @Get(':exerciseSlug/versions')
  @ApiOperation({ summary: 'Every version of an exercise with its validation report (course staff)' })
  versions(@CurrentPrincipal() principal: Principal, @Param('courseSlug', slugPipe('course')) courseSlug: string, @Param('exerciseSlug', slugPipe('exercise')) exerciseSlug: string): Promise<ExerciseVersionView[]> {
    return this.exercises.versions(principal, courseSlug, exerciseSlug);
  }

  @Post(':exerciseSlug/versions/:number/current')
  @HttpCode(200)
  @ApiOperation({ summary: 'Make a valid version the one new submissions are graded against: roll back, or forward again (admin, the course\'s instructors)' })
  makeCurrent(
    @CurrentPrincipal() principal: Principal,
    @Param('courseSlug', slugPipe('course')) courseSlug: string,
    @Param('exerciseSlug', slugPipe('exercise')) exerciseSlug: string,
    @Param('number', versionNumberPipe('number')) number: number,
  ): Promise<ExerciseVersionView> {
    return this.exercises.makeCurrent(principal, courseSlug, exerciseSlug, number);
  }
}
