import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/public.decorator';
import { HealthReport } from './dto/health-report.dto';
import { HealthService } from './health.service';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'Postgres, Redis and Docker (through the workers): 200 when usable, 503 when not' })
  @ApiOkResponse({ type: HealthReport, description: 'usable (status ok, or degraded when Docker is not reached)' })
  @ApiServiceUnavailableResponse({ type: HealthReport, description: 'Postgres or Redis is down' })
  async get(@Res({ passthrough: true }) response: Response): Promise<HealthReport> {
    const report = await this.health.report();
    response.status(report.status === 'down' ? 503 : 200);
    return report;
  }
}
