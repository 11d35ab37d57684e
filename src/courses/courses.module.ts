import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { UsersModule } from '../users/users.module';
import { CourseMembersController } from './course-members.controller';
import { CourseMembersService } from './course-members.service';
import { CoursesController } from './courses.controller';
import { CoursesService } from './courses.service';
import { RosterImportService } from './roster-import.service';

@Module({
  imports: [AccessModule, UsersModule],
  controllers: [CourseMembersController, CoursesController],
  providers: [CoursesService, CourseMembersService, RosterImportService],
  exports: [CoursesService],
})
export class CoursesModule {}
