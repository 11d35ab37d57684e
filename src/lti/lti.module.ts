import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { ApiKeyRepository } from '../auth/api-key.repository';
import { ApiKeysService } from '../auth/api-keys.service';
import { LtiAdminController } from './lti-admin.controller';
import { LtiDeepLinkingService } from './lti-deep-linking.service';
import { LtiGradeListener } from './lti-grade-listener';
import { LtiLaunchService } from './lti-launch.service';
import { LtiLinkRepository } from './lti-link.repository';
import { LtiPlatformRepository } from './lti-platform.repository';
import { LtiPlatformsService } from './lti-platforms.service';
import { LtiQueueModule } from './lti-queue';
import { LtiRegistrationService } from './lti-registration.service';
import { LtiRosterService } from './lti-roster.service';
import { LtiScoresService } from './lti-scores.service';
import { LtiSessionRepository } from './lti-session.repository';
import { LtiSessionsService } from './lti-sessions.service';
import { LtiTokenService } from './lti-token.service';
import { LtiUserRepository } from './lti-user.repository';
import { LtiUsersService } from './lti-users.service';
import { LtiProcessor } from './lti.processor';
import { LtiController } from './lti.controller';
import { ToolKeyRepository } from './tool-key.repository';
import { ToolKeysService } from './tool-keys.service';

const repositories = [ToolKeyRepository, LtiPlatformRepository, LtiLinkRepository, LtiUserRepository, LtiSessionRepository];
const shared = [...repositories, ToolKeysService, LtiPlatformsService, LtiTokenService, LtiUsersService, LtiSessionsService, LtiRosterService, LtiScoresService];

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
  providers: [...shared, ApiKeysService, ApiKeyRepository, LtiProcessor, LtiGradeListener],
})
export class LtiWorkerModule {}
