import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Claim, EXERCISE_CUSTOM_PARAMETER, LTI_VERSION, MessageType } from './lti-claims';
import { LtiLaunchError } from './lti-errors';
import type { DeepLinkingContext } from './lti-launch.service';
import { LtiLinkRepository } from './lti-link.repository';
import { LtiPlatformRepository } from './lti-platform.repository';
import { LtiSessionRepository } from './lti-session.repository';
import { LtiSessionsService } from './lti-sessions.service';
import { ToolKeysService } from './tool-keys.service';
import type { ToolUrls } from './tool-urls';

/**
 * Deep Linking 2.0 (§4.2): the exercises an instructor picked become ltiResourceLink content items,
 * each with a line item of the exercise's maximum score, in a response JWT signed by memgrade's key.
 */
@Injectable()
export class LtiDeepLinkingService {
  constructor(
    private readonly links: LtiLinkRepository,
    private readonly platforms: LtiPlatformRepository,
    private readonly sessionRows: LtiSessionRepository,
    private readonly sessions: LtiSessionsService,
    private readonly keys: ToolKeysService,
  ) {}

  async respond(cookie: string | undefined, form: { csrf?: unknown; exercise?: unknown }, urls: ToolUrls): Promise<{ returnUrl: string; jwt: string; count: number }> {
    const session = await this.sessions.find(cookie);
    const context = session?.deepLinking as DeepLinkingContext | null | undefined;
    if (!session || !context?.returnUrl) throw new LtiLaunchError('no deep-linking session in this browser: start again from the LMS’s “add activity”');
    if (typeof form.csrf !== 'string' || form.csrf !== context.csrf) throw new LtiLaunchError('the form does not belong to this deep-linking session');
    const slugs = (Array.isArray(form.exercise) ? form.exercise : form.exercise === undefined ? [] : [form.exercise]).filter((s): s is string => typeof s === 'string');
    if (!context.acceptMultiple && slugs.length > 1) throw new LtiLaunchError('the LMS accepts only one item here: pick one exercise');
    const exercises = await this.links.publishedExercisesBySlug(session.courseId, slugs);
    if (exercises.length !== new Set(slugs).size) throw new LtiLaunchError('an exercise picked is not a published exercise of this course');
    const platform = await this.platforms.get(session.platformId);
    const items = exercises.map((exercise) => ({
      type: 'ltiResourceLink',
      title: exercise.title,
      url: urls.launch,
      custom: { [EXERCISE_CUSTOM_PARAMETER]: `${exercise.course.slug}/${exercise.slug}` },
      lineItem: { scoreMaximum: exercise.currentVersion?.maxScore ?? 0, label: exercise.title, resourceId: exercise.slug, tag: 'memgrade' },
    }));
    const jwt = await this.keys.sign(
      {
        iss: platform.clientId,
        aud: platform.issuer,
        azp: platform.clientId,
        nonce: randomBytes(16).toString('base64url'),
        [Claim.messageType]: MessageType.deepLinkingResponse,
        [Claim.version]: LTI_VERSION,
        [Claim.deploymentId]: context.deploymentId,
        [Claim.deepLinkingContentItems]: items,
        ...(context.data !== null ? { [Claim.deepLinkingData]: context.data } : {}),
      },
      600,
    );
    // One response per deep-linking launch.
    const answered = await this.sessionRows.replaceDeepLinkingIfNotEnded(session.id, { ...context, csrf: `used-${randomBytes(8).toString('hex')}` });
    if (!answered) throw new LtiLaunchError('this deep-linking session has ended');
    return { returnUrl: context.returnUrl, jwt, count: items.length };
  }
}
