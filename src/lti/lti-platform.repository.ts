import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';
import type { LtiPlatform } from '../generated/prisma/client';

/** A platform with its course's slug, as the admin routes show it. */
const withCourseSlug = { course: { select: { slug: true } } } as const;

export type LtiPlatformWithCourse = LtiPlatform & { course: { slug: string } };

/** The new platform's row (deployment ids as given: the service removes repeats). */
export interface NewPlatformRow {
  name: string;
  issuer: string;
  clientId: string;
  authLoginUrl: string;
  tokenUrl: string;
  jwksUrl: string;
  tokenAudience?: string | null;
  deploymentIds: string[];
  courseId: string;
  registeredVia: 'manual' | 'dynamic';
}

/** The queries of LTI platforms (registrations) and their deployments, and of the course a platform is registered in. */
@Injectable()
export class LtiPlatformRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The course with this slug, where a platform is registered; null when there is none. */
  courseBySlug(slug: string) {
    return this.prisma.course.findUnique({ where: { slug } });
  }

  /** The course with this id (the one a platform is registered in). */
  courseById(courseId: string) {
    return this.prisma.course.findUniqueOrThrow({ where: { id: courseId } });
  }

  /** Stores the platform; a unique violation when its (issuer, client id) is registered already. */
  create(data: NewPlatformRow): Promise<LtiPlatformWithCourse> {
    return this.prisma.ltiPlatform.create({ data, include: withCourseSlug });
  }

  /** Every platform, oldest first. */
  all(): Promise<LtiPlatformWithCourse[]> {
    return this.prisma.ltiPlatform.findMany({ include: withCourseSlug, orderBy: { createdAt: 'asc' } });
  }

  /** Deletes the platform; false when there was none. */
  async delete(id: string): Promise<boolean> {
    const { count } = await this.prisma.ltiPlatform.deleteMany({ where: { id } });
    return count > 0;
  }

  get(id: string): Promise<LtiPlatform> {
    return this.prisma.ltiPlatform.findUniqueOrThrow({ where: { id } });
  }

  /** Every platform registered under this issuer (one per client id). */
  ofIssuer(issuer: string): Promise<LtiPlatform[]> {
    return this.prisma.ltiPlatform.findMany({ where: { issuer } });
  }

  /** The ids of the course's platforms. */
  async idsOfCourse(courseId: string): Promise<string[]> {
    const platforms = await this.prisma.ltiPlatform.findMany({ where: { courseId }, select: { id: true } });
    return platforms.map((platform) => platform.id);
  }

  /** The platform with its contexts that have a memberships URL (those whose roster can be synced). */
  withRosterContexts(id: string) {
    return this.prisma.ltiPlatform.findUniqueOrThrow({ where: { id }, include: { contexts: { where: { membershipsUrl: { not: null } } } } });
  }

  /** Adds a deployment id to the platform's, in one statement, so two first launches at once add it once. */
  async addDeployment(platformId: string, deploymentId: string): Promise<void> {
    await this.prisma
      .$executeRaw`UPDATE lti_platforms SET deployment_ids = array_append(coalesce(deployment_ids, '{}'), ${deploymentId}) WHERE id = ${platformId}::uuid AND NOT (${deploymentId} = ANY(coalesce(deployment_ids, '{}')))`;
  }
}
