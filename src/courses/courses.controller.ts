import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { uuidPipe } from '../common/http/uuid.pipe';
import { CoursesService } from './courses.service';
import { IssuedKeyView, UserView } from '../users/dto/user-views.dto';
import { CourseView, EnrolmentView } from './dto/course-views.dto';
import { CreateCourseDto, CreateLmsKeyDto, EnrolDto, LmsStudentDto, RevokedKeysView, UpdateCourseDto } from './dto/course.dto';
import { externalIdPipe, slugPipe } from '../common/http/path-params';

@ApiTags('courses')
@ApiBearerAuth()
@Controller('api/v1/courses')
export class CoursesController {
  constructor(private readonly courses: CoursesService) {}

  @Post()
  @Roles('admin', 'instructor')
  @ApiOperation({ summary: 'Create a course (an instructor who creates one teaches it)' })
  @ApiCreatedResponse({ type: CourseView })
  create(@CurrentPrincipal() principal: Principal, @Body() dto: CreateCourseDto): Promise<CourseView> {
    return this.courses.create(principal, dto);
  }

  @Get()
  @ApiOperation({ summary: 'Courses you can see' })
  @ApiOkResponse({ type: [CourseView] })
  list(@CurrentPrincipal() principal: Principal): Promise<CourseView[]> {
    return this.courses.list(principal);
  }

  @Get(':courseSlug')
  @ApiOperation({ summary: 'One course' })
  @ApiOkResponse({ type: CourseView })
  async get(@CurrentPrincipal() principal: Principal, @Param('courseSlug', slugPipe('course')) slug: string): Promise<CourseView> {
    return this.courses.view(principal, slug);
  }

  @Patch(':courseSlug')
  @ApiOperation({ summary: 'Change the title or gradebook policy (course instructors, admins)' })
  @ApiOkResponse({ type: CourseView })
  update(@CurrentPrincipal() principal: Principal, @Param('courseSlug', slugPipe('course')) slug: string, @Body() dto: UpdateCourseDto): Promise<CourseView> {
    return this.courses.update(principal, slug, dto);
  }

  @Get(':courseSlug/enrolments')
  @ApiOperation({ summary: 'Students, TAs and instructors of the course (staff)' })
  @ApiOkResponse({ type: [EnrolmentView] })
  enrolments(@CurrentPrincipal() principal: Principal, @Param('courseSlug', slugPipe('course')) slug: string): Promise<EnrolmentView[]> {
    return this.courses.enrolments(principal, slug);
  }

  @Post(':courseSlug/enrolments')
  @ApiOperation({ summary: 'Enrol a user as student, ta or instructor (course instructors, admins; see also /members)' })
  @ApiCreatedResponse({ type: EnrolmentView })
  enrol(@CurrentPrincipal() principal: Principal, @Param('courseSlug', slugPipe('course')) slug: string, @Body() dto: EnrolDto): Promise<EnrolmentView> {
    return this.courses.enrol(principal, slug, dto);
  }

  @Delete(':courseSlug/enrolments/:userId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove an enrolment (course instructors, admins)' })
  @ApiNoContentResponse()
  async unenrol(@CurrentPrincipal() principal: Principal, @Param('courseSlug', slugPipe('course')) slug: string, @Param('userId', uuidPipe('userId')) userId: string) {
    await this.courses.unenrol(principal, slug, userId);
  }

  @Post(':courseSlug/lms-keys')
  @ApiOperation({ summary: 'An API key for an LMS, bound to this course (shown once)' })
  @ApiCreatedResponse({ type: IssuedKeyView })
  createLmsKey(@CurrentPrincipal() principal: Principal, @Param('courseSlug', slugPipe('course')) slug: string, @Body() dto: CreateLmsKeyDto): Promise<IssuedKeyView> {
    return this.courses.createLmsKey(principal, slug, dto.name);
  }

  @Post(':courseSlug/students')
  @ApiOperation({ summary: 'Create (201) or find (200) a student by the LMS user id, enrolled in the course' })
  @ApiCreatedResponse({ type: UserView, description: 'created and enrolled' })
  @ApiOkResponse({ type: UserView, description: 'known already (name and email updated when they changed)' })
  async ensureStudent(
    @CurrentPrincipal() principal: Principal,
    @Param('courseSlug', slugPipe('course')) slug: string,
    @Body() dto: LmsStudentDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<UserView> {
    const { student, created } = await this.courses.ensureLmsStudent(principal, slug, dto);
    response.status(created ? 201 : 200);
    return student;
  }

  @Post(':courseSlug/students/:externalId/keys')
  @ApiOperation({ summary: "An API key for an LMS student, for the LMS's sign-in link (shown once)" })
  @ApiCreatedResponse({ type: IssuedKeyView })
  issueStudentKey(
    @CurrentPrincipal() principal: Principal,
    @Param('courseSlug', slugPipe('course')) slug: string,
    @Param('externalId', externalIdPipe('externalId')) externalId: string,
  ): Promise<IssuedKeyView> {
    return this.courses.issueLmsStudentKey(principal, slug, externalId);
  }

  @Delete(':courseSlug/students/:externalId/keys')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke every sign-in key issued for an LMS student in this course' })
  @ApiOkResponse({ type: RevokedKeysView })
  revokeStudentKeys(
    @CurrentPrincipal() principal: Principal,
    @Param('courseSlug', slugPipe('course')) slug: string,
    @Param('externalId', externalIdPipe('externalId')) externalId: string,
  ): Promise<RevokedKeysView> {
    return this.courses.revokeLmsStudentKeys(principal, slug, externalId);
  }

  @Delete(':courseSlug/students/:externalId/keys/:keyId')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke one sign-in key of an LMS student (its link stops working at once)' })
  @ApiOkResponse({ type: RevokedKeysView })
  revokeStudentKey(
    @CurrentPrincipal() principal: Principal,
    @Param('courseSlug', slugPipe('course')) slug: string,
    @Param('externalId', externalIdPipe('externalId')) externalId: string,
    @Param('keyId', uuidPipe('keyId')) keyId: string,
  ): Promise<RevokedKeysView> {
    return this.courses.revokeLmsStudentKeys(principal, slug, externalId, keyId);
  }
}
