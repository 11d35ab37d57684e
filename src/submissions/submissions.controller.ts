import { Body, Controller, Get, Headers, HttpCode, type MessageEvent, Param, Post, Query, Res, Sse, UseInterceptors } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiConsumes, ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Observable } from 'rxjs';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { RateLimit, SUBMISSIONS_RATE_LIMIT } from '../rate-limit/rate-limit.guard';
import { StudentRateLimiter } from '../rate-limit/student-rate-limiter';
import { CreateSubmissionDto } from './dto/create-submission.dto';
import { ListSubmissionsDto } from './dto/list-submissions.dto';
import { CreatedSubmissionDto, RegradeQueuedDto, SubmissionCodeDto, SubmissionPageDto, SubmissionViewDto } from './dto/submission-responses.dto';
import { MultipartFilesInterceptor } from './multipart-files.interceptor';
import { SubmissionStreamService } from './submission-stream.service';
import { SubmissionsService } from './submissions.service';

@ApiTags('submissions')
@ApiBearerAuth()
@Controller('api/v1/submissions')
export class SubmissionsController {
  constructor(
    private readonly submissions: SubmissionsService,
    private readonly stream: SubmissionStreamService,
    private readonly studentLimit: StudentRateLimiter,
  ) {}

  @Post()
  @HttpCode(202)
  @RateLimit(SUBMISSIONS_RATE_LIMIT)
  @UseInterceptors(MultipartFilesInterceptor)
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiOperation({ summary: 'Submit files for an exercise (JSON, or multipart with "files" parts); graded asynchronously' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retried POST with the same key returns the same submission' })
  @ApiAcceptedResponse({ type: CreatedSubmissionDto })
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() dto: CreateSubmissionDto,
    @Res({ passthrough: true }) response: Response,
    @Headers('idempotency-key') idempotencyKey?: string,
  ): Promise<CreatedSubmissionDto> {
    // An lms key's budget is its own (the guard); each student it submits for is limited on their own.
    if (principal.role === 'lms' && principal.courseId && dto.student) await this.studentLimit.consume(SUBMISSIONS_RATE_LIMIT, principal.courseId, dto.student, response);
    const { id, status, replaced } = await this.submissions.create(principal, dto, idempotencyKey);
    return { id, status, ...(replaced ? { replaced } : {}) };
  }

  @Get()
  @ApiOperation({ summary: 'Submissions you may read, newest first; filter (staff also by flags) and page with nextCursor' })
  @ApiOkResponse({ type: SubmissionPageDto })
  list(@CurrentPrincipal() principal: Principal, @Query() query: ListSubmissionsDto): Promise<SubmissionPageDto> {
    return this.submissions.list(principal, query);
  }

  @Get(':id')
  @ApiOperation({
    summary:
      "A submission with its status, verdict, score, per-test results and the student's output; staff also see flags and evidence marks; while queued, `queue` gives its position and estimated wait",
  })
  @ApiOkResponse({ type: SubmissionViewDto })
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<SubmissionViewDto> {
    return this.submissions.get(principal, id);
  }

  @Get(':id/code')
  @ApiOperation({ summary: "A submission's files, with a line diff to the same student's previous submission of the exercise (its student, course staff)" })
  @ApiOkResponse({ type: SubmissionCodeDto })
  code(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<SubmissionCodeDto> {
    return this.submissions.code(principal, id);
  }

  @Sse(':id/events')
  @ApiOperation({ summary: 'Live status as Server-Sent Events ("status" events), ending after graded or error' })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({
    description:
      'a text/event-stream: one "status" event per status change, its data the submission as GET /api/v1/submissions/{id} answers it (without queue); the stream ends after graded or error',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  events(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<Observable<MessageEvent>> {
    return this.stream.watch(principal, id);
  }

  @Post(':id/regrade')
  @HttpCode(202)
  @ApiOperation({ summary: 'Grade again against the same exercise version (course staff)' })
  @ApiAcceptedResponse({ type: RegradeQueuedDto })
  regrade(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<RegradeQueuedDto> {
    return this.submissions.regrade(principal, id);
  }
}
