import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError } from '../common/errors/domain-errors';
import { PrismaService } from '../database/prisma.service';
import { isUniqueViolation } from '../database/prisma-errors';
import type { LtiPlatform } from '../generated/prisma/client';
import type { CreatePlatformDto } from './dto/create-platform.dto';
import { LtiLaunchError } from './lti-errors';
import type { PlatformView } from './dto/lti-views.dto';

export type { PlatformView } from './dto/lti-views.dto';

export type NewPlatform = Omit<CreatePlatformDto, 'course'> & { courseId: string; registeredVia: 'manual' | 'dynamic' };

@Injectable()
export class LtiPlatformsService {
  constructor(private readonly prisma: PrismaService) {}

  async createManual(dto: CreatePlatformDto): Promise<PlatformView> {
    const course = await this.prisma.course.findUnique({ where: { slug: dto.course } });
    if (!course) throw new NotFoundError(`no course "${dto.course}"`, [{ field: 'course', reason: 'is not a course' }]);
    const { course: _, ...rest } = dto;
    return this.view(await this.create({ ...rest, courseId: course.id, registeredVia: 'manual' }));
  }

  async create(data: NewPlatform): Promise<LtiPlatform & { course: { slug: string } }> {
    try {
      return await this.prisma.ltiPlatform.create({ data: { ...data, deploymentIds: [...new Set(data.deploymentIds)] }, include: { course: { select: { slug: true } } } });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new ConflictError(`a platform with issuer "${data.issuer}" and client id "${data.clientId}" is already registered`, [
          { field: 'clientId', reason: 'is already registered for this issuer' },
        ]);
      }
      throw error;
    }
  }

  async list(): Promise<PlatformView[]> {
    const rows = await this.prisma.ltiPlatform.findMany({ include: { course: { select: { slug: true } } }, orderBy: { createdAt: 'asc' } });
    return rows.map((row) => this.view(row));
  }

  async remove(id: string): Promise<void> {
    const { count } = await this.prisma.ltiPlatform.deleteMany({ where: { id } });
    if (!count) throw new NotFoundError(`no LTI platform ${id}`);
  }

  /**
   * The platform an id_token (`aud` names the client) or a login initiation (`client_id`) comes from;
   * refused with the reason when unknown or ambiguous.
   */
  async forIssuer(issuer: unknown, clientId: unknown, clientField: 'aud' | 'client_id' = 'client_id'): Promise<LtiPlatform> {
    if (typeof issuer !== 'string' || !issuer) throw new LtiLaunchError('missing issuer (iss)');
    const candidates = await this.prisma.ltiPlatform.findMany({ where: { issuer } });
    if (!candidates.length) throw new LtiLaunchError(`unknown issuer "${issuer}": no platform with this issuer is registered`);
    const named = (Array.isArray(clientId) ? clientId : [clientId]).filter((id): id is string => typeof id === 'string' && id !== '');
    if (named.length) {
      const platform = candidates.find((candidate) => named.includes(candidate.clientId));
      if (!platform) throw new LtiLaunchError(`${clientField} "${named.join('", "')}" is not memgrade's client id at issuer "${issuer}"`);
      return platform;
    }
    if (candidates.length > 1) throw new LtiLaunchError(`issuer "${issuer}" has several registrations; the login initiation must name client_id`);
    return candidates[0];
  }

  /**
   * Whether a launch may come from this deployment. A platform registered without deployment ids
   * (some platforms give none at dynamic registration) learns each one at its first launch.
   */
  async acceptDeployment(platform: LtiPlatform, deploymentId: string): Promise<boolean> {
    if (platform.deploymentIds.includes(deploymentId)) return true;
    if (platform.deploymentIds.length) return false;
    await this.prisma
      .$executeRaw`UPDATE lti_platforms SET deployment_ids = array_append(coalesce(deployment_ids, '{}'), ${deploymentId}) WHERE id = ${platform.id}::uuid AND NOT (${deploymentId} = ANY(coalesce(deployment_ids, '{}')))`;
    return true;
  }

  view(row: LtiPlatform & { course: { slug: string } }): PlatformView {
    return {
      id: row.id,
      name: row.name,
      issuer: row.issuer,
      clientId: row.clientId,
      authLoginUrl: row.authLoginUrl,
      tokenUrl: row.tokenUrl,
      jwksUrl: row.jwksUrl,
      tokenAudience: row.tokenAudience,
      deploymentIds: row.deploymentIds,
      course: row.course.slug,
      registeredVia: row.registeredVia,
      createdAt: row.createdAt.toISOString(),
    };
  }
}
