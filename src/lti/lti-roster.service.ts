import { OutboundPolicy } from '../common/http/outbound-url';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { MediaType, Scope } from './lti-claims';
import { LtiPlatformError } from './lti-errors';
import { platformRequest } from './lti-http';
import { LtiLinkRepository } from './lti-link.repository';
import { LtiPlatformRepository } from './lti-platform.repository';
import { LTI_QUEUE, LtiJob, type SyncRosterPayload } from './lti-queue';
import { courseRoleOf } from './lti-roles';
import { LtiSessionsService } from './lti-sessions.service';
import { LtiTokenService } from './lti-token.service';
import { LtiUserRepository } from './lti-user.repository';
import { LtiUsersService } from './lti-users.service';
import type { RosterSyncReport } from './dto/lti-views.dto';

const MAX_PAGES = 200;

interface Member {
  user_id?: unknown;
  status?: unknown;
  name?: unknown;
  given_name?: unknown;
  family_name?: unknown;
  email?: unknown;
  roles?: unknown;
}

const str = (value: unknown) => (typeof value === 'string' ? value : null);

/**
 * Roster sync through Names and Role Provisioning Services 2.0: every Active member of the platform's
 * contexts becomes (or stays) a user enrolled in the platform's course with the role the LMS gives;
 * people memgrade knows from this platform who are no longer Active members lose their enrolment and
 * their launch sessions. Runs on demand (API) and, queued, after each instructor launch.
 */
@Injectable()
export class LtiRosterService {
  constructor(
    private readonly outbound: OutboundPolicy,
    private readonly platforms: LtiPlatformRepository,
    private readonly links: LtiLinkRepository,
    private readonly people: LtiUserRepository,
    private readonly tokens: LtiTokenService,
    private readonly users: LtiUsersService,
    private readonly sessions: LtiSessionsService,
    @InjectQueue(LTI_QUEUE) private readonly queue: Queue,
  ) {}

  /** Queues a sync of the context's platform (at most one waiting per platform). */
  async requestSync(contextId: string): Promise<void> {
    const platformId = await this.links.platformIdOfContext(contextId);
    if (!platformId) return;
    await this.queue.add(LtiJob.syncRoster, { platformId } satisfies SyncRosterPayload, {
      deduplication: { id: `roster_${platformId}` },
      attempts: 3,
      backoff: { type: 'exponential', delay: 5_000 },
      removeOnComplete: true,
      removeOnFail: { age: 24 * 3600 },
    });
  }

  /** Syncs the rosters of every platform of a course. */
  async syncCourse(courseId: string): Promise<RosterSyncReport[]> {
    const reports: RosterSyncReport[] = [];
    for (const platformId of await this.platforms.idsOfCourse(courseId)) reports.push(await this.syncPlatform(platformId));
    return reports;
  }

  async syncPlatform(platformId: string): Promise<RosterSyncReport> {
    const platform = await this.platforms.withRosterContexts(platformId);
    const report: RosterSyncReport = { platform: platform.name, contexts: platform.contexts.length, members: 0, enrolled: 0, removed: 0 };
    if (!platform.contexts.length) return report;
    const token = await this.tokens.token(platform, [Scope.memberships]);
    const active = new Set<string>();
    for (const context of platform.contexts) {
      for (const member of await this.members(context.membershipsUrl as string, token)) {
        report.members += 1;
        const sub = str(member.user_id);
        const roles = Array.isArray(member.roles) ? member.roles.filter((r): r is string => typeof r === 'string') : [];
        const role = courseRoleOf(roles);
        if (!sub || (member.status !== undefined && member.status !== 'Active') || !role) continue;
        active.add(sub);
        await this.users.upsert(
          { platformId, sub, name: str(member.name), givenName: str(member.given_name), familyName: str(member.family_name), email: str(member.email), roles },
          platform.courseId,
          role,
        );
        report.enrolled += 1;
      }
      await this.links.markRosterSynced(context.id);
    }
    const known = await this.people.enrolledIn(platformId, platform.courseId);
    // An empty roster is more likely a platform fault than a course nobody is in: remove nobody then.
    for (const person of active.size ? known : []) {
      if (active.has(person.sub)) continue;
      await this.people.unenrol(platform.courseId, person.userId);
      await this.sessions.endFor(person.userId, platform.courseId);
      report.removed += 1;
    }
    return report;
  }

  /** Every member of a membership container, following rel="next" links (NRPS 2.0 §2.4.2). */
  private async members(url: string, token: string): Promise<Member[]> {
    const all: Member[] = [];
    let next: string | null = url;
    for (let page = 0; next && page < MAX_PAGES; page += 1) {
      const { body, headers } = await platformRequest<{ members?: unknown }>(this.outbound, 'memberships', next, {
        headers: { Authorization: `Bearer ${token}`, Accept: MediaType.memberships },
      });
      if (!Array.isArray(body.members)) throw new LtiPlatformError(`memberships: ${next} answered without a members array`);
      all.push(...(body.members as Member[]));
      next = nextLink(headers.get('link'), next);
    }
    return all;
  }
}

/** The rel="next" target of a Link header, resolved against the page's URL. */
export function nextLink(header: string | null, base: string): string | null {
  if (!header) return null;
  for (const part of header.split(',')) {
    const match = /<([^>]+)>\s*;(.*)/.exec(part.trim());
    if (match && /rel\s*=\s*"?([^";]*\s)?next(\s[^";]*)?"?/i.test(match[2])) return new URL(match[1], base).toString();
  }
  return null;
}
