import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { ExercisesService, type ExerciseDetail, type ExerciseSummary, type ExerciseVersionView } from './exercises.service';

@ApiTags('exercises')
@ApiBearerAuth()
@Controller('api/v1/courses/:courseSlug/exercises')
export class ExercisesController {
  constructor(private readonly exercises: ExercisesService) {}

  @Get()
  @ApiOperation({ summary: 'Published exercises of a course, with the files a student submits and the limits' })
  list(@CurrentPrincipal() principal: Principal, @Param('courseSlug') courseSlug: string): Promise<ExerciseSummary[]> {
    return this.exercises.listForCourse(principal, courseSlug);
  }

  @Get(':exerciseSlug')
  @ApiOperation({ summary: 'A published exercise: statement (Markdown), starter code, tests and limits' })
  detail(@CurrentPrincipal() principal: Principal, @Param('courseSlug') courseSlug: string, @Param('exerciseSlug') exerciseSlug: string): Promise<ExerciseDetail> {
    return this.exercises.detail(principal, courseSlug, exerciseSlug);
  }

  @Get(':exerciseSlug/versions')
  @ApiOperation({ summary: 'Every version of an exercise with its validation report (course staff)' })
  versions(@CurrentPrincipal() principal: Principal, @Param('courseSlug') courseSlug: string, @Param('exerciseSlug') exerciseSlug: string): Promise<ExerciseVersionView[]> {
    return this.exercises.versions(principal, courseSlug, exerciseSlug);
  }
}
