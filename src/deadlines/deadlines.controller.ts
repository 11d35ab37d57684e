import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { slugPipe } from '../common/http/path-params';
import { uuidPipe } from '../common/http/uuid.pipe';
import { DeadlinesService } from './deadlines.service';
import { CourseDeadlinesView, DeadlineSettingsView, DeadlineStatusView, ExtensionView } from './dto/deadline-views.dto';
import { DeadlineSettingsDto, ExtensionDto } from './dto/deadline.dto';
import { DeadlineStatusQuery } from './dto/deadline-status.query';

@ApiTags('deadlines')
@ApiBearerAuth()
@Controller('api/v1/courses/:courseSlug')
export class DeadlinesController {
  constructor(private readonly deadlines: DeadlinesService) {}

  @Get('deadlines')
  @ApiOperation({ summary: "The course's default deadline settings and every exercise's own, with what applies (course staff)" })
  @ApiOkResponse({ type: CourseDeadlinesView })
  course(@CurrentPrincipal() principal: Principal, @Param('courseSlug', slugPipe('course')) course: string) {
    return this.deadlines.courseDeadlines(principal, course);
  }

  @Put('deadlines')
  @ApiOperation({ summary: 'Replace the course default (each field an exercise leaves unset is taken from it; null clears) (instructors, admins)' })
  @ApiOkResponse({ type: DeadlineSettingsView })
  setCourse(@CurrentPrincipal() principal: Principal, @Param('courseSlug', slugPipe('course')) course: string, @Body() dto: DeadlineSettingsDto) {
    return this.deadlines.setCourseDefault(principal, course, dto);
  }

  @Put('exercises/:exerciseSlug/deadline')
  @ApiOperation({ summary: "Replace an exercise's own deadline settings (null or left out: inherit the course default) (instructors, admins)" })
  @ApiOkResponse({ type: DeadlineSettingsView })
  setExercise(
    @CurrentPrincipal() principal: Principal,
    @Param('courseSlug', slugPipe('course')) course: string,
    @Param('exerciseSlug', slugPipe('exercise')) exercise: string,
    @Body() dto: DeadlineSettingsDto,
  ) {
    return this.deadlines.setExerciseDeadline(principal, course, exercise, dto);
  }

  @Get('exercises/:exerciseSlug/deadline-status')
  @ApiOperation({
    summary: "A student's standing: due date, late policy, attempts used and left, whether a submission now is accepted or late (students: their own; staff: ?student=)",
  })
  @ApiOkResponse({ type: DeadlineStatusView })
  status(
    @CurrentPrincipal() principal: Principal,
    @Param('courseSlug', slugPipe('course')) course: string,
    @Param('exerciseSlug', slugPipe('exercise')) exercise: string,
    @Query() query: DeadlineStatusQuery,
  ) {
    return this.deadlines.status(principal, course, exercise, query.student);
  }

  @Get('exercises/:exerciseSlug/extensions')
  @ApiOperation({ summary: "The exercise's extensions per student (course staff)" })
  @ApiOkResponse({ type: [ExtensionView] })
  extensions(@CurrentPrincipal() principal: Principal, @Param('courseSlug', slugPipe('course')) course: string, @Param('exerciseSlug', slugPipe('exercise')) exercise: string) {
    return this.deadlines.extensions(principal, course, exercise);
  }

  @Put('exercises/:exerciseSlug/extensions/:userId')
  @ApiOperation({ summary: 'Give one student a later due date and/or extra attempts on the exercise (instructors, admins)' })
  @ApiOkResponse({ type: ExtensionView })
  setExtension(
    @CurrentPrincipal() principal: Principal,
    @Param('courseSlug', slugPipe('course')) course: string,
    @Param('exerciseSlug', slugPipe('exercise')) exercise: string,
    @Param('userId', uuidPipe('userId')) userId: string,
    @Body() dto: ExtensionDto,
  ) {
    return this.deadlines.setExtension(principal, course, exercise, userId, dto);
  }

  @Delete('exercises/:exerciseSlug/extensions/:userId')
  @HttpCode(204)
  @ApiOperation({ summary: "Remove a student's extension (instructors, admins)" })
  @ApiNoContentResponse()
  async removeExtension(
    @CurrentPrincipal() principal: Principal,
    @Param('courseSlug', slugPipe('course')) course: string,
    @Param('exerciseSlug', slugPipe('exercise')) exercise: string,
    @Param('userId', uuidPipe('userId')) userId: string,
  ) {
    await this.deadlines.removeExtension(principal, course, exercise, userId);
  }
}
