import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiOperation, ApiProduces, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { GradebookQuery } from './dto/gradebook.query';
import { gradebookToCsv } from './gradebook.csv';
import { GradebookService } from './gradebook.service';
import { Gradebook } from './dto/gradebook-views.dto';
import { slugPipe } from '../common/http/path-params';

@ApiTags('gradebook')
@ApiBearerAuth()
@Controller('api/v1/courses/:courseSlug/gradebook')
export class GradebookController {
  constructor(private readonly gradebook: GradebookService) {}

  @Get()
  @ApiOperation({ summary: 'Every enrolled student × exercise: the counting score (best or latest), as JSON or CSV (course staff)' })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({
    description: 'JSON (the default), or CSV with ?format=csv or Accept: text/csv (a download: one row per student, a column per exercise)',
    content: { 'application/json': { schema: { $ref: getSchemaPath(Gradebook) } }, 'text/csv': { schema: { type: 'string' } } },
  })
  @ApiExtraModels(Gradebook)
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('courseSlug', slugPipe('course')) courseSlug: string,
    @Query() query: GradebookQuery,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<Gradebook | string> {
    const book = await this.gradebook.build(principal, courseSlug, query.policy);
    // Grades are personal data: never kept by a shared cache.
    response.setHeader('Cache-Control', 'no-store');
    const format = query.format ?? (request.accepts(['application/json', 'text/csv']) === 'text/csv' ? 'csv' : 'json');
    if (format === 'json') return book;
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    response.setHeader('Content-Disposition', `attachment; filename="${book.course}-gradebook.csv"`);
    return gradebookToCsv(book, { flags: query.flags });
  }
}
