import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { slugPipe } from '../common/http/path-params';
import { uuidPipe } from '../common/http/uuid.pipe';
import { AddMemberResponse, MemberView, RosterImportReport } from './dto/member-views.dto';
import { CourseMembersService } from './course-members.service';
import { AddMemberDto, ChangeMemberRoleDto, ImportRosterDto } from './dto/member.dto';
import { RosterImportService } from './roster-import.service';

@ApiTags('courses')
@ApiBearerAuth()
@Controller('api/v1/courses/:courseSlug/members')
export class CourseMembersController {
  constructor(
    private readonly members: CourseMembersService,
    private readonly imports: RosterImportService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The roster: members with their roles and emails (course staff)' })
  @ApiOkResponse({ type: [MemberView] })
  list(@CurrentPrincipal() principal: Principal, @Param('courseSlug', slugPipe('course')) slug: string): Promise<MemberView[]> {
    return this.members.list(principal, slug);
  }

  @Post()
  @ApiOperation({
    summary:
      'Add a member: an existing user (userId), or a person by email and/or externalId, created as a student-level user when memgrade does not know them (201 with their first key); 200 when they were on the roster (role changed or unchanged). Instructors and admins.',
  })
  @ApiCreatedResponse({ type: AddMemberResponse })
  @ApiOkResponse({ type: AddMemberResponse })
  async add(
    @CurrentPrincipal() principal: Principal,
    @Param('courseSlug', slugPipe('course')) slug: string,
    @Body() dto: AddMemberDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AddMemberResponse> {
    const added = await this.members.add(principal, slug, dto);
    response.status(added.outcome === 'created' || added.outcome === 'enrolled' ? 201 : 200);
    return added;
  }

  @Post('import')
  @HttpCode(200)
  @ApiOperation({ summary: 'Enrol from CSV text (header: email and/or external_id, name, role): a report per row; each row applied on its own (instructors, admins)' })
  @ApiOkResponse({ type: RosterImportReport })
  import(@CurrentPrincipal() principal: Principal, @Param('courseSlug', slugPipe('course')) slug: string, @Body() dto: ImportRosterDto): Promise<RosterImportReport> {
    return this.imports.import(principal, slug, dto.csv);
  }

  @Patch(':userId')
  @ApiOperation({ summary: "Change a member's role (instructors, admins; not your own)" })
  @ApiOkResponse({ type: MemberView })
  changeRole(
    @CurrentPrincipal() principal: Principal,
    @Param('courseSlug', slugPipe('course')) slug: string,
    @Param('userId', uuidPipe('userId')) userId: string,
    @Body() dto: ChangeMemberRoleDto,
  ): Promise<MemberView> {
    return this.members.changeRole(principal, slug, userId, dto.role);
  }

  @Delete(':userId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a member (their keys for this course end with it; instructors, admins)' })
  @ApiNoContentResponse()
  async remove(
    @CurrentPrincipal() principal: Principal,
    @Param('courseSlug', slugPipe('course')) slug: string,
    @Param('userId', uuidPipe('userId')) userId: string,
  ): Promise<void> {
    await this.members.remove(principal, slug, userId);
  }
}
