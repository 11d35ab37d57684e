import { Body, Controller, Get, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { CreateSubmissionDto } from './dto/create-submission.dto';
import type { SubmissionView } from './submission-view';
import { SubmissionsService } from './submissions.service';

@ApiTags('submissions')
@ApiBearerAuth()
@Controller('api/v1/submissions')
export class SubmissionsController {
  constructor(private readonly submissions: SubmissionsService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Submit files for an exercise; grading happens asynchronously' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retried POST with the same key returns the same submission' })
  @ApiAcceptedResponse({ description: '{ id, status: "queued" }' })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() dto: CreateSubmissionDto,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<{ id: string; status: string }> {
    const { id, status } = await this.submissions.create(principal, dto, idempotencyKey);
    return { id, status };
  }

  @Get(':id')
  @ApiOperation({ summary: 'A submission with its status, verdict, score and per-test results' })
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<SubmissionView> {
    return this.submissions.get(principal, id);
  }
}
