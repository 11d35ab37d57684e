import { Controller, Get, Headers, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../auth/public.decorator';
import { UnauthenticatedError } from '../common/errors/domain-errors';
import { AppConfigService } from '../config/app-config';
import { clusterMetrics } from './cluster-metrics';
import { metricsScrapeAllowed } from './metrics-auth';
import { MetricsRegistry } from './metrics-registry';

/** Prometheus exposition of the API (all its processes when API_PROCESSES > 1): open, or behind METRICS_TOKEN (not an API key: scrapers are not users). */
@ApiTags('metrics')
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly registry: MetricsRegistry,
    private readonly config: AppConfigService,
  ) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'Prometheus metrics of the API process; open, or "Authorization: Bearer <METRICS_TOKEN>" when METRICS_TOKEN is set' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'the Prometheus text exposition format (version 0.0.4)', content: { 'text/plain': { schema: { type: 'string' } } } })
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() response: Response): Promise<void> {
    if (!metricsScrapeAllowed(this.config.values.METRICS_TOKEN, authorization)) {
      throw new UnauthenticatedError('metrics need "Authorization: Bearer <METRICS_TOKEN>"');
    }
    if (this.registry.clustered) {
      // API_PROCESSES > 1: this process's counters are a part; the primary adds up all of them.
      const { text, contentType } = await clusterMetrics();
      response.setHeader('Content-Type', contentType);
      response.send(text);
      return;
    }
    response.setHeader('Content-Type', this.registry.contentType);
    response.send(await this.registry.metrics());
  }
}
