import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { ExercisesService, type ExerciseSummary } from './exercises.service';

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
}
