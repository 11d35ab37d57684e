import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError } from '../common/errors/domain-errors';
import { isUniqueViolation } from '../database/prisma-errors';
import type { LtiPlatform } from '../generated/prisma/client';
import type { CreatePlatformDto } from './dto/create-platform.dto';
import { LtiLaunchError } from './lti-errors';
import { LtiPlatformRepository, type LtiPlatformWithCourse } from './lti-platform.repository';
import type { PlatformView } from './dto/lti-views.dto';

export type { PlatformView } from './dto/lti-views.dto';

export type NewPlatform = Omit<CreatePlatformDto, 'course'> & { courseId: string; registeredVia: 'manual' | 'dynamic' };

@Injectable()
export class LtiPlatformsService {
  constructor(private readonly platforms: LtiPlatformRepository) {}

  async createManual(dto: CreatePlatformDto): Promise<PlatformView> {
    const course = await this.platforms.courseBySlug(dto.course);
    if (!course) throw new NotFoundError(`no course "${dto.course}"`, [{ field: 'course', reason: 'is not a course' }]);
    const { course: _, ...rest } = dto;
    return this.view(await this.create({ ...rest, courseId: course.id, registeredVia: 'manual' }));
  }

  async create(data: NewPlatform): Promise<LtiPlatformWithCourse> {
    try {
      return await this.platforms.create({ ...data, deploymentIds: [...new Set(data.deploymentIds)] });
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
    const rows = await this.platforms.all();
    return rows.map((row) => this.view(row));
  }

  async remove(id: string): Promise<void> {
    if (!(await this.platforms.delete(id))) throw new NotFoundError(`no LTI platform ${id}`);
  }

  /**
   * The platform an id_token (`aud` names the client) or a login initiation (`client_id`) comes from;
   * refused with the reason when unknown or ambiguous.
   */
  async forIssuer(issuer: unknown, clientId: unknown, clientField: 'aud' | 'client_id' = 'client_id'): Promise<LtiPlatform> {
    if (typeof issuer !== 'string' || !issuer) throw new LtiLaunchError('missing issuer (iss)');
    const candidates = await this.platforms.ofIssuer(issuer);
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
    await this.platforms.addDeployment(platform.id, deploymentId);
    return true;
  }

  view(row: LtiPlatformWithCourse): PlatformView {
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
