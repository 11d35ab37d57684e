import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { Exercise, Prisma } from '../generated/prisma/client';
import { standingResultWhere } from '../submissions/standing-result';

export type Db = Prisma.TransactionClient;

/** What a launch says of its context (course section) in the LMS; null: it did not say. */
export interface LaunchedContext {
  contextId: string;
  title: string | null;
  membershipsUrl: string | null;
  lineItemsUrl: string | null;
}

/** A resource link as a launch or the binding page names it. */
export interface LinkToBind {
  resourceLinkId: string;
  contextId: string | null;
  title: string | null;
  lineItemUrl: string | null;
}

/** A link-person with the person, and the link with its platform, context and exercise (course, current version). */
const toPost = {
  ltiUser: true,
  resourceLink: { include: { platform: true, context: true, exercise: { include: { course: true, currentVersion: true } } } },
} as const satisfies Prisma.LtiResourceLinkUserInclude;

export type LinkPersonToPost = Prisma.LtiResourceLinkUserGetPayload<{ include: typeof toPost }>;

/**
 * The queries of what LTI launches leave behind: contexts, resource links and the exercises they
 * open, the people who launched each link (link-people), and what was posted to their gradebook.
 */
@Injectable()
export class LtiLinkRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Stores the context of a launch; what this launch does not say (null) keeps what an earlier one said. */
  upsertContext(platformId: string, context: LaunchedContext) {
    const { contextId, title, membershipsUrl, lineItemsUrl } = context;
    return this.prisma.ltiContext.upsert({
      where: { platformId_contextId: { platformId, contextId } },
      create: { platformId, contextId, title, membershipsUrl, lineItemsUrl },
      update: { title: title ?? undefined, ...(membershipsUrl ? { membershipsUrl } : {}), ...(lineItemsUrl ? { lineItemsUrl } : {}) },
    });
  }

  /** The platform of a context; null when the context is gone. */
  async platformIdOfContext(contextId: string): Promise<string | null> {
    const context = await this.prisma.ltiContext.findUnique({ where: { id: contextId }, select: { platformId: true } });
    return context?.platformId ?? null;
  }

  async markRosterSynced(contextId: string): Promise<void> {
    await this.prisma.ltiContext.update({ where: { id: contextId }, data: { rosterSyncedAt: new Date() } });
  }

  /** The course's exercises that have a current version, by slug: those a link may open. */
  publishedExercises(courseId: string): Promise<Exercise[]> {
    return this.prisma.exercise.findMany({ where: { courseId, currentVersionId: { not: null } }, orderBy: { slug: 'asc' } });
  }

  /** Those of the course's published exercises named by `slugs`, by slug, with their course and current version. */
  publishedExercisesBySlug(courseId: string, slugs: string[]) {
    return this.prisma.exercise.findMany({
      where: { courseId, slug: { in: slugs }, currentVersionId: { not: null } },
      include: { course: true, currentVersion: true },
      orderBy: { slug: 'asc' },
    });
  }

  /** The course's published exercise `slug` with its course; null when it has none such. */
  publishedExercise(courseId: string, slug: string) {
    return this.prisma.exercise.findFirst({ where: { courseId, slug, currentVersionId: { not: null } }, include: { course: true } });
  }

  /** The course's exercise `slug` (published or not) with its course. */
  exercise(courseId: string, slug: string) {
    return this.prisma.exercise.findFirst({ where: { courseId, slug }, include: { course: true } });
  }

  /** The platform's resource link with the exercise it is bound to; null when it was never launched or bound. */
  boundLink(platformId: string, resourceLinkId: string) {
    return this.prisma.ltiResourceLink.findUnique({ where: { platformId_resourceLinkId: { platformId, resourceLinkId } }, include: { exercise: true } });
  }

  /**
   * Stores a launched link as opening `exerciseId`; what this launch does not say (a title, the
   * context, the line item) keeps what was stored before.
   */
  upsertLaunchedLink(platformId: string, link: { resourceLinkId: string; contextId?: string; title?: string; lineItemUrl: string | null }, exerciseId: string) {
    const { resourceLinkId, contextId, title, lineItemUrl } = link;
    return this.prisma.ltiResourceLink.upsert({
      where: { platformId_resourceLinkId: { platformId, resourceLinkId } },
      create: { platformId, resourceLinkId, contextId, exerciseId, title: title ?? null, lineItemUrl },
      update: { exerciseId, title: title ?? undefined, contextId: contextId ?? undefined, ...(lineItemUrl ? { lineItemUrl } : {}) },
    });
  }

  /** Binds the link to `exerciseId` (the binding page's choice), storing the link if it is new. */
  bindLink(platformId: string, link: LinkToBind, exerciseId: string) {
    return this.prisma.ltiResourceLink.upsert({
      where: { platformId_resourceLinkId: { platformId, resourceLinkId: link.resourceLinkId } },
      create: { platformId, resourceLinkId: link.resourceLinkId, contextId: link.contextId, exerciseId, title: link.title, lineItemUrl: link.lineItemUrl },
      update: { exerciseId },
    });
  }

  /** Notes that the person launched the link (once), so their grades are posted to it. */
  async addLinkPerson(resourceLinkId: string, ltiUserId: string): Promise<void> {
    await this.prisma.ltiResourceLinkUser.upsert({
      where: { resourceLinkId_ltiUserId: { resourceLinkId, ltiUserId } },
      create: { resourceLinkId, ltiUserId },
      update: {},
    });
  }

  /** The submission's author, status, exercise and latest grading run's id; null when it is gone. */
  submissionToPost(submissionId: string) {
    return this.prisma.submission.findUnique({
      where: { id: submissionId },
      select: { userId: true, status: true, exerciseVersion: { select: { exerciseId: true } }, results: { orderBy: { run: 'desc' }, take: 1, select: { id: true } } },
    });
  }

  /** The ids of the link-people of the user on links that open the exercise. */
  async linkPersonIdsOf(userId: string, exerciseId: string): Promise<string[]> {
    const linkUsers = await this.prisma.ltiResourceLinkUser.findMany({
      where: { ltiUser: { userId }, resourceLink: { exerciseId } },
      select: { id: true },
    });
    return linkUsers.map((linkUser) => linkUser.id);
  }

  /**
   * Up to 500 link-people with a grading run, or a change of the deadline settings that apply to them
   * (the course default, the exercise's own, their extension), newer than their last sync; with the
   * newest such change.
   */
  linkPeopleBehind(): Promise<{ id: string; latest: Date }[]> {
    return this.prisma.$queryRaw<{ id: string; latest: Date }[]>`
      SELECT lu.id, greatest(max(gr.created_at), max(ed.updated_at), max(cd.updated_at), max(de.updated_at)) AS latest
        FROM lti_resource_link_users lu
        JOIN lti_users u ON u.id = lu.lti_user_id
        JOIN lti_resource_links l ON l.id = lu.resource_link_id
        JOIN exercises e ON e.id = l.exercise_id
        JOIN exercise_versions v ON v.exercise_id = l.exercise_id
        JOIN submissions s ON s.exercise_version_id = v.id AND s.user_id = u.user_id AND s.status = 'graded'
        JOIN grading_results gr ON gr.submission_id = s.id
        LEFT JOIN exercise_deadlines ed ON ed.exercise_id = l.exercise_id
        LEFT JOIN course_deadlines cd ON cd.course_id = e.course_id
        LEFT JOIN deadline_extensions de ON de.exercise_id = l.exercise_id AND de.user_id = u.user_id
       GROUP BY lu.id, lu.synced_at
      HAVING greatest(max(gr.created_at), max(ed.updated_at), max(cd.updated_at), max(de.updated_at)) > coalesce(lu.synced_at, 'epoch'::timestamptz)
       LIMIT 500`;
  }

  /**
   * Runs `work` in one transaction holding the link-person's score lock, so two posts for the same
   * person and link never overlap (the platform is called inside it: hence the long timeout).
   */
  withScoreLock<T>(linkUserId: string, work: (tx: Db) => Promise<T>): Promise<T> {
    return this.prisma.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`memgrade:lti-score:${linkUserId}`}))`;
        return work(tx);
      },
      { timeout: 60_000, maxWait: 30_000 },
    );
  }

  linkPersonToPost(tx: Db, id: string): Promise<LinkPersonToPost | null> {
    return tx.ltiResourceLinkUser.findUnique({ where: { id }, include: toPost });
  }

  /** The user's submissions of the exercise (any version) whose stored result counts (submissions/standing-result.ts). */
  standingAttempts(tx: Db, userId: string, exerciseId: string) {
    return tx.submission.findMany({ where: { userId, ...standingResultWhere, exerciseVersion: { exerciseId } }, select: { id: true, score: true, createdAt: true } });
  }

  /** The submission with its latest grading run (`results`: none or one) and that run's tests in order. */
  withLatestRun(tx: Db, submissionId: string) {
    return tx.submission.findUniqueOrThrow({
      where: { id: submissionId },
      include: { results: { orderBy: { run: 'desc' }, take: 1, include: { tests: { orderBy: { position: 'asc' } } } } },
    });
  }

  /** Notes that the link-person was looked at up to `syncedAt` without a post (with why, when `lastError` is given). */
  async recordChecked(tx: Db, id: string, syncedAt: Date, lastError?: string): Promise<void> {
    await tx.ltiResourceLinkUser.update({ where: { id }, data: { syncedAt, ...(lastError !== undefined ? { lastError } : {}) } });
  }

  async recordLineItem(tx: Db, resourceLinkId: string, lineItemUrl: string): Promise<void> {
    await tx.ltiResourceLink.update({ where: { id: resourceLinkId }, data: { lineItemUrl } });
  }

  async recordPosted(tx: Db, id: string, posted: { run: string; score: number; at: Date; syncedAt: Date }): Promise<void> {
    await tx.ltiResourceLinkUser.update({
      where: { id },
      data: { postedRun: posted.run, postedScore: posted.score, postedAt: posted.at, posts: { increment: 1 }, lastError: null, syncedAt: posted.syncedAt },
    });
  }

  /** Notes why a post failed, outside the post's transaction (which rolls back); a failure to note it is ignored. */
  async recordPostError(id: string, lastError: string): Promise<void> {
    await this.prisma.ltiResourceLinkUser.update({ where: { id }, data: { lastError } }).catch(() => undefined);
  }
}
