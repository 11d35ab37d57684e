import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { DomainEvent, EventSubscriber } from '../events/domain-events';
import { OutboxService } from '../events/outbox.service';
import { WorkerMetrics } from './worker-metrics';

/** Metrics as a subscriber of the outbox: how long stored events wait for their subscribers. */
@Injectable()
export class DomainEventMetrics implements EventSubscriber, OnModuleInit {
  readonly name = 'metrics';

  constructor(
    private readonly outbox: OutboxService,
    private readonly metrics: WorkerMetrics,
  ) {}

  onModuleInit(): void {
    this.outbox.subscribe(this);
  }

  async handle(event: DomainEvent): Promise<void> {
    this.metrics.domainEventLag.observe({ type: event.type }, Math.max(0, (Date.now() - event.createdAt.getTime()) / 1000));
  }
}
