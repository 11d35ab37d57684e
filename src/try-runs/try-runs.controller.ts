import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { CreateTryRunDto } from './dto/create-try-run.dto';
import { TryRunViewDto } from './dto/try-run-view.dto';
import { TryRunsService } from './try-runs.service';

@ApiTags('runs')
@ApiBearerAuth()
@Controller('api/v1/runs')
export class TryRunsController {
  constructor(private readonly runs: TryRunsService) {}

  @Post()
  @ApiOperation({
    summary: 'Run your files (or a snippet) in the sandbox without grading: output, errors, peak memory. Not a submission; limited per student per minute',
  })
  @ApiOkResponse({ type: TryRunViewDto, description: 'the run finished within TRY_RUN_WAIT_SECONDS: status "done" with its result' })
  @ApiAcceptedResponse({ type: TryRunViewDto, description: 'still queued or running: poll GET /api/v1/runs/{id}' })
  @ApiTooManyRequestsResponse({ description: 'more runs per minute than TRY_RUN_RATE_LIMIT_PER_MINUTE (Retry-After says when)' })
  @ApiServiceUnavailableResponse({ description: 'TRY_RUN_MAX_QUEUED runs are already waiting (Retry-After: 5)' })
  async start(@CurrentPrincipal() principal: Principal, @Body() dto: CreateTryRunDto, @Res({ passthrough: true }) response: Response): Promise<TryRunViewDto> {
    const view = await this.runs.start(principal, dto);
    response.status(view.status === 'done' ? 200 : 202);
    return view;
  }

  @Get(':id')
  @ApiOperation({ summary: 'A run you started (kept for an hour)' })
  @ApiOkResponse({ type: TryRunViewDto })
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<TryRunViewDto> {
    return this.runs.get(principal, id);
  }
}
