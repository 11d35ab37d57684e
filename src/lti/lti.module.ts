import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { ApiKeysService } from '../auth/api-keys.service';
import { LtiAdminController } from './lti-admin.controller';
import { LtiDeepLinkingService } from './lti-deep-linking.service';
import { LtiGradeListener } from './lti-grade-listener';
import { LtiLaunchService } from './lti-launch.service';
import { LtiPlatformsService } from './lti-platforms.service';
import { LtiQueueModule } from './lti-queue';
import { LtiRegistrationService } from './lti-registration.service';
import { LtiRosterService } from './lti-roster.service';
import { LtiScoresService } from './lti-scores.service';
import { LtiSessionsService } from './lti-sessions.service';
import { LtiTokenService } from './lti-token.service';
import { LtiUsersService } from './lti-users.service';
import { LtiProcessor } from './lti.processor';
import { LtiController } from './lti.controller';
import { ToolKeysService } from './tool-keys.service';

const shared = [ToolKeysService, LtiPlatformsService, LtiTokenService, LtiUsersService, LtiSessionsService, LtiRosterService, LtiScoresService];

/** LTI 1.3 Advantage in the API: registration, launches, deep linking, the admin routes. */
@Module({
  imports: [AccessModule, LtiQueueModule],
  controllers: [LtiController, LtiAdminController],
  providers: [...shared, LtiLaunchService, LtiRegistrationService, LtiDeepLinkingService],
})
export class LtiModule {}

/** LTI 1.3 Advantage in the worker: score posts (AGS), roster syncs (NRPS), the sweeper. */
@Module({
  imports: [LtiQueueModule],
  providers: [...shared, ApiKeysService, LtiProcessor, LtiGradeListener],
})
export class LtiWorkerModule {}
