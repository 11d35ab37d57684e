import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { Roles } from '../auth/roles.decorator';
import { uuidPipe } from '../common/http/uuid.pipe';
import { CreateKeyDto } from './dto/create-key.dto';
import { CreateUserDto } from './dto/create-user.dto';
import { CreatedUserView, IssuedKeyView, KeyView, MeView, UserView } from './dto/user-views.dto';
import { UsersService } from './users.service';

@ApiTags('users and keys')
@ApiBearerAuth()
@Controller('api/v1')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post('users')
  @Roles('admin')
  @ApiOperation({ summary: 'Create a user (admin) with a first API key, shown once' })
  @ApiCreatedResponse({ type: CreatedUserView })
  create(@Body() dto: CreateUserDto): Promise<CreatedUserView> {
    return this.users.create(dto);
  }

  @Get('users')
  @Roles('admin')
  @ApiOperation({ summary: 'All users (admin)' })
  @ApiOkResponse({ type: [UserView] })
  list(): Promise<UserView[]> {
    return this.users.list();
  }

  @Get('users/me')
  @ApiOperation({ summary: 'Who the key belongs to' })
  @ApiOkResponse({ type: MeView })
  me(@CurrentPrincipal() principal: Principal): Promise<MeView> {
    return this.users.me(principal);
  }

  @Post('keys')
  @Roles('admin', 'instructor', 'student')
  @ApiOperation({ summary: 'Another API key for yourself, shown once' })
  @ApiCreatedResponse({ type: IssuedKeyView })
  createKey(@CurrentPrincipal() principal: Principal, @Body() dto: CreateKeyDto): Promise<IssuedKeyView> {
    // A key made with a course-bound key is bound to the same course: it cannot outlive the enrolment;
    // nor a sign-in link: it expires with it and is revoked with it.
    return this.users.issueKey(principal.userId, dto.name, principal.courseId ?? undefined, principal.expiresAt ?? undefined, principal.keyId);
  }

  @Get('keys')
  @ApiOperation({ summary: 'Your API keys (never their secrets)' })
  @ApiOkResponse({ type: [KeyView] })
  listKeys(@CurrentPrincipal() principal: Principal): Promise<KeyView[]> {
    return this.users.listKeys(principal);
  }

  @Delete('keys/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke one of your keys (admins: any key)' })
  @ApiNoContentResponse({ description: 'revoked (revoking twice is harmless)' })
  async revokeKey(@CurrentPrincipal() principal: Principal, @Param('id', uuidPipe('id')) id: string): Promise<void> {
    await this.users.revokeKey(principal, id);
  }
}
