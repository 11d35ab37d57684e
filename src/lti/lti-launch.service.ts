import { OutboundPolicy } from '../common/http/outbound-url';
import { randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { Exercise, LtiPlatform } from '../generated/prisma/client';
import type { CourseRole } from '../generated/prisma/enums';
import { Claim, EXERCISE_CUSTOM_PARAMETER, MessageType } from './lti-claims';
import { LtiLaunchError } from './lti-errors';
import { httpUrl } from './lti-http';
import { LtiLinkRepository } from './lti-link.repository';
import { LtiPlatformRepository } from './lti-platform.repository';
import { LtiPlatformsService } from './lti-platforms.service';
import { courseRoleOf } from './lti-roles';
import { LtiRosterService } from './lti-roster.service';
import { LtiSessionRepository } from './lti-session.repository';
import { LtiSessionsService, type StartedSession } from './lti-sessions.service';
import { LtiUsersService } from './lti-users.service';
import { type LaunchClaims, peekIssuer, verifyLaunchToken } from './launch-verifier';
import type { ToolUrls } from './tool-urls';

const STATE_TTL_MS = 10 * 60_000;
export const stateCookieName = (state: string) => `lti_state_${state.slice(0, 16)}`;

export interface LoginParameters {
  iss?: string;
  login_hint?: string;
  target_link_uri?: string;
  lti_message_hint?: string;
  client_id?: string;
  lti_deployment_id?: string;
}

export interface DeepLinkingContext {
  returnUrl: string;
  data: string | null;
  deploymentId: string;
  acceptMultiple: boolean;
  /** Echoed by the selection form; must match the session's (the cookie alone is not enough). */
  csrf: string;
}

export type LaunchOutcome =
  | { kind: 'resource'; session: StartedSession; course: string; exercise: string }
  | { kind: 'deep-linking'; session: StartedSession; platform: LtiPlatform; exercises: Exercise[]; csrf: string }
  | { kind: 'bind'; session: StartedSession; exercises: Exercise[]; csrf: string };

/** An instructor's launch of a link bound to no exercise yet: what the binding page needs to finish it. */
export interface PendingBinding {
  bind: { resourceLinkId: string; title: string | null; lineItemUrl: string | null; contextId: string | null; ltiUserId: string };
  csrf: string;
}

/** A link bound to no exercise (instructors get to pick one; everyone else is refused). */
class UnboundLinkError extends LtiLaunchError {}

/** OIDC third-party initiated login and the launch that follows (LTI 1.3 Core §5.1, OIDC Core §3.2). */
@Injectable()
export class LtiLaunchService {
  private readonly logger = new Logger(LtiLaunchService.name);

  constructor(
    private readonly links: LtiLinkRepository,
    private readonly launchStates: LtiSessionRepository,
    private readonly platformRows: LtiPlatformRepository,
    private readonly platforms: LtiPlatformsService,
    private readonly users: LtiUsersService,
    private readonly sessions: LtiSessionsService,
    private readonly roster: LtiRosterService,
    private readonly outbound: OutboundPolicy,
  ) {}

  /** Step 1: remember a fresh state and nonce, and send the browser to the platform's authorization endpoint. */
  async login(params: LoginParameters, urls: ToolUrls): Promise<{ redirect: string; state: string }> {
    if (!params.login_hint) throw new LtiLaunchError('missing login_hint in the login initiation');
    const platform = await this.platforms.forIssuer(params.iss, params.client_id);
    if (params.lti_deployment_id && platform.deploymentIds.length && !platform.deploymentIds.includes(params.lti_deployment_id)) {
      throw new LtiLaunchError(`unknown deployment_id "${params.lti_deployment_id}" for this platform`);
    }
    const target = params.target_link_uri && httpUrl(params.target_link_uri) ? params.target_link_uri : urls.launch;
    const state = randomBytes(24).toString('base64url');
    const nonce = randomBytes(24).toString('base64url');
    await this.launchStates.createLaunchState({ state, nonce, platformId: platform.id, targetLinkUri: target, expiresAt: new Date(Date.now() + STATE_TTL_MS) });
    const url = new URL(platform.authLoginUrl);
    const query: Record<string, string> = {
      scope: 'openid',
      response_type: 'id_token',
      response_mode: 'form_post',
      prompt: 'none',
      client_id: platform.clientId,
      redirect_uri: urls.launch,
      login_hint: params.login_hint,
      state,
      nonce,
    };
    if (params.lti_message_hint) query.lti_message_hint = params.lti_message_hint;
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    return { redirect: url.toString(), state };
  }

  /**
   * Step 2: the platform posts id_token and state back. Nothing is stored (no session, no user) unless
   * every check passes; the state is consumed only after the token verified, so a forged post cannot
   * burn a real one.
   */
  async launch(form: { id_token?: unknown; state?: unknown }, cookies: Record<string, string>): Promise<LaunchOutcome> {
    if (typeof form.id_token !== 'string' || !form.id_token) throw new LtiLaunchError('missing id_token in the launch');
    if (typeof form.state !== 'string' || !form.state) throw new LtiLaunchError('missing state in the launch');
    const { iss, aud } = peekIssuer(form.id_token);
    const platform = await this.platforms.forIssuer(iss, aud, 'aud');
    const state = await this.launchStates.launchState(form.state);
    if (!state || state.platformId !== platform.id) throw new LtiLaunchError('unknown state: this launch was not started at memgrade’s login URL, or its state was changed');
    if (cookies[stateCookieName(form.state)] !== form.state) {
      throw new LtiLaunchError('state does not match this browser: memgrade’s login cookie is missing (if the LMS opens memgrade in a frame, let it open in a new window)');
    }
    if (state.usedAt) throw new LtiLaunchError('nonce already used: this launch was replayed');
    if (state.expiresAt.getTime() < Date.now()) throw new LtiLaunchError('state expired: the login was started more than 10 minutes ago');
    const claims = await verifyLaunchToken(form.id_token, platform, this.outbound);
    if (claims.nonce !== state.nonce) throw new LtiLaunchError('nonce does not match the one memgrade sent at login');
    if (!(await this.platforms.acceptDeployment(platform, claims.deploymentId))) throw new LtiLaunchError(`unknown deployment_id "${claims.deploymentId}" for this platform`);
    if (!(await this.launchStates.useLaunchState(state.state))) throw new LtiLaunchError('nonce already used: this launch was replayed');

    const role = courseRoleOf(claims.roles);
    if (!role) throw new LtiLaunchError('no course role memgrade gives access to (expected a Learner or Instructor role)');
    return claims.messageType === MessageType.deepLinkingRequest ? this.deepLinkingLaunch(platform, claims, role) : this.resourceLaunch(platform, claims, role);
  }

  private async resourceLaunch(platform: LtiPlatform, claims: LaunchClaims, role: CourseRole): Promise<LaunchOutcome> {
    const link = claims.raw[Claim.resourceLink] as { id: string; title?: string };
    const ags = claims.raw[Claim.agsEndpoint] as { lineitem?: unknown } | undefined;
    const lineItemUrl = httpUrl(ags?.lineitem);
    let exercise: Exercise;
    try {
      exercise = await this.exerciseOf(platform, claims, link.id);
    } catch (error) {
      if (!(error instanceof UnboundLinkError) || role !== 'instructor') throw error;
      return this.bindingLaunch(platform, claims, { resourceLinkId: link.id, title: link.title ?? null, lineItemUrl });
    }
    const context = await this.upsertContext(platform, claims);
    const course = await this.platformRows.courseById(platform.courseId);
    const resourceLink = await this.links.upsertLaunchedLink(platform.id, { resourceLinkId: link.id, contextId: context?.id, title: link.title, lineItemUrl }, exercise.id);
    const person = await this.users.upsert(personOf(platform, claims), platform.courseId, role);
    await this.links.addLinkPerson(resourceLink.id, person.ltiUserId);
    if (role === 'instructor' && context?.membershipsUrl) await this.roster.requestSync(context.id);
    const session = await this.sessions.start({ userId: person.userId, courseId: platform.courseId, platformId: platform.id });
    return { kind: 'resource', session, course: course.slug, exercise: exercise.slug };
  }

  /** An instructor opened a link bound to nothing: a page to pick its exercise (answered at POST /lti/bind). */
  private async bindingLaunch(
    platform: LtiPlatform,
    claims: LaunchClaims,
    link: { resourceLinkId: string; title: string | null; lineItemUrl: string | null },
  ): Promise<LaunchOutcome> {
    const context = await this.upsertContext(platform, claims);
    const person = await this.users.upsert(personOf(platform, claims), platform.courseId, 'instructor');
    const csrf = randomBytes(24).toString('base64url');
    const pending: PendingBinding = { bind: { ...link, contextId: context?.id ?? null, ltiUserId: person.ltiUserId }, csrf };
    const session = await this.sessions.start({ userId: person.userId, courseId: platform.courseId, platformId: platform.id, deepLinking: pending as unknown as object });
    const exercises = await this.links.publishedExercises(platform.courseId);
    return { kind: 'bind', session, exercises, csrf };
  }

  /** The binding page's answer: the link opens the chosen exercise from now on, for everyone. */
  async bind(cookie: string | undefined, form: { csrf?: unknown; exercise?: unknown }): Promise<{ session: StartedSession; course: string; exercise: string }> {
    const current = await this.sessions.find(cookie);
    const pending = current?.deepLinking as PendingBinding | null | undefined;
    if (!current || !pending?.bind) throw new LtiLaunchError('no link to bind in this browser: open the link from the LMS again');
    if (typeof form.csrf !== 'string' || form.csrf !== pending.csrf) throw new LtiLaunchError('the form does not belong to this launch');
    if (typeof form.exercise !== 'string') throw new LtiLaunchError('pick an exercise');
    const exercise = await this.links.publishedExercise(current.courseId, form.exercise);
    if (!exercise) throw new LtiLaunchError('the exercise picked is not a published exercise of this course');
    const { bind } = pending;
    const resourceLink = await this.links.bindLink(current.platformId, bind, exercise.id);
    await this.links.addLinkPerson(resourceLink.id, bind.ltiUserId);
    await this.sessions.endFor(current.userId, current.courseId, current.id);
    const session = await this.sessions.start({ userId: current.userId, courseId: current.courseId, platformId: current.platformId });
    return { session, course: exercise.course.slug, exercise: exercise.slug };
  }

  private async deepLinkingLaunch(platform: LtiPlatform, claims: LaunchClaims, role: CourseRole): Promise<LaunchOutcome> {
    if (role !== 'instructor') throw new LtiLaunchError('deep linking is for instructors: this launch carries no Instructor role');
    const settings = claims.raw[Claim.deepLinkingSettings] as { deep_link_return_url: string; data?: unknown; accept_multiple?: unknown; accept_types?: unknown };
    const returnUrl = httpUrl(settings.deep_link_return_url);
    if (!returnUrl) throw new LtiLaunchError('deep_link_return_url is not an http(s) URL');
    if (Array.isArray(settings.accept_types) && !settings.accept_types.includes('ltiResourceLink')) {
      throw new LtiLaunchError('the platform does not accept ltiResourceLink content items, the only kind memgrade makes');
    }
    const context = await this.upsertContext(platform, claims);
    const person = await this.users.upsert(personOf(platform, claims), platform.courseId, role);
    if (context?.membershipsUrl) await this.roster.requestSync(context.id);
    const csrf = randomBytes(24).toString('base64url');
    const deepLinking: DeepLinkingContext = {
      returnUrl,
      data: typeof settings.data === 'string' ? settings.data : null,
      deploymentId: claims.deploymentId,
      acceptMultiple: settings.accept_multiple !== false,
      csrf,
    };
    const session = await this.sessions.start({ userId: person.userId, courseId: platform.courseId, platformId: platform.id, deepLinking: deepLinking as unknown as object });
    const exercises = await this.links.publishedExercises(platform.courseId);
    return { kind: 'deep-linking', session, platform, exercises, csrf };
  }

  private async upsertContext(platform: LtiPlatform, claims: LaunchClaims) {
    const context = claims.raw[Claim.context] as { id?: unknown; title?: unknown } | undefined;
    if (!context || typeof context.id !== 'string' || !context.id) return null;
    const nrps = claims.raw[Claim.nrps] as { context_memberships_url?: unknown } | undefined;
    const ags = claims.raw[Claim.agsEndpoint] as { lineitems?: unknown } | undefined;
    const membershipsUrl = httpUrl(nrps?.context_memberships_url);
    const lineItemsUrl = httpUrl(ags?.lineitems);
    const title = typeof context.title === 'string' ? context.title : null;
    return this.links.upsertContext(platform.id, { contextId: context.id, title, membershipsUrl, lineItemsUrl });
  }

  /** The exercise a resource link opens: its custom parameter (set by deep linking), else what the link was bound to before. */
  private async exerciseOf(platform: LtiPlatform, claims: LaunchClaims, resourceLinkId: string): Promise<Exercise> {
    const custom = claims.raw[Claim.custom] as Record<string, unknown> | undefined;
    const named = custom?.[EXERCISE_CUSTOM_PARAMETER] ?? exerciseInTargetLink(claims.raw[Claim.targetLinkUri]);
    if (typeof named === 'string' && named) {
      const [courseSlug, exerciseSlug] = named.includes('/') ? named.split('/', 2) : [null, named];
      const exercise = await this.links.exercise(platform.courseId, exerciseSlug);
      if (!exercise || (courseSlug && exercise.course.slug !== courseSlug)) {
        throw new LtiLaunchError(`this link opens exercise "${named}", which is not an exercise of the platform's course`);
      }
      return exercise;
    }
    const bound = await this.links.boundLink(platform.id, resourceLinkId);
    if (bound) return bound.exercise;
    throw new UnboundLinkError(
      `this link is not bound to an exercise yet: ask your instructor to open it once and choose one, or add it through the LMS's "add activity" (deep linking), give it the custom parameter ${EXERCISE_CUSTOM_PARAMETER}=<course>/<exercise>, or launch /lti/launch?${EXERCISE_CUSTOM_PARAMETER}=<course>/<exercise>`,
    );
  }
}

/** A link made by hand may name its exercise in its URL: /lti/launch?memgrade_exercise=<course>/<exercise>. */
function exerciseInTargetLink(target: unknown): string | undefined {
  if (typeof target !== 'string') return undefined;
  try {
    return new URL(target).searchParams.get(EXERCISE_CUSTOM_PARAMETER) ?? undefined;
  } catch {
    return undefined;
  }
}

function personOf(platform: LtiPlatform, claims: LaunchClaims) {
  return {
    platformId: platform.id,
    sub: claims.sub as string,
    name: claims.name,
    givenName: claims.given_name,
    familyName: claims.family_name,
    email: claims.email,
    roles: claims.roles,
  };
}
