// What GET /health answers (HealthService builds it): one definition for the service and the OpenAPI document.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export const CHECK_STATUSES = ['up', 'down', 'unknown'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

export class HealthCheck {
  [detail: string]: unknown;
  @ApiProperty({ enum: CHECK_STATUSES }) status!: CheckStatus;
  @ApiPropertyOptional({ example: 3 }) latencyMs?: number;
  @ApiPropertyOptional({ example: 'no worker is running' }) error?: string;
  @ApiPropertyOptional({ description: 'docker: workers alive' }) workers?: number;
  @ApiPropertyOptional({ description: 'docker: workers that reach Docker' }) workersWithDocker?: number;
  @ApiPropertyOptional({ description: 'docker: workers whose grading is paused' }) workersPaused?: number;
}

export class HealthChecks {
  @ApiProperty({ type: HealthCheck }) postgres!: HealthCheck;
  @ApiProperty({ type: HealthCheck }) redis!: HealthCheck;
  @ApiProperty({ type: HealthCheck, description: "from the workers' heartbeats: only workers talk to Docker" }) docker!: HealthCheck;
}

export class HealthReport {
  @ApiProperty({ enum: ['ok', 'degraded', 'down'] }) status!: 'ok' | 'degraded' | 'down';
  @ApiProperty({ type: HealthChecks }) checks!: HealthChecks;
}
