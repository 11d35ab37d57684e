import { Module } from '@nestjs/common';
import { GradingCapacityReporter } from './grading-capacity';

/** The worker's side of back-pressure: it reports its grading slots, which queue estimates divide by. */
@Module({ providers: [GradingCapacityReporter] })
export class BackpressureWorkerModule {}
