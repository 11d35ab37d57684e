import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { UsersModule } from '../users/users.module';
import { CourseMemberRepository } from './course-member.repository';
import { CourseMembersController } from './course-members.controller';
import { CourseMembersService } from './course-members.service';
import { CoursesController } from './courses.controller';
import { CourseRepository } from './course.repository';
import { CoursesService } from './courses.service';
import { RosterImportService } from './roster-import.service';

@Module({
  imports: [AccessModule, UsersModule],
  controllers: [CourseMembersController, CoursesController],
  providers: [CoursesService, CourseMembersService, RosterImportService, CourseRepository, CourseMemberRepository],
  exports: [CoursesService],
})
export class CoursesModule {}
