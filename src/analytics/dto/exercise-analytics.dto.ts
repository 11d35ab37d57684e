// What GET …/exercises/{e}/analytics answers, for the OpenAPI document; AnalyticsService builds it.
import { ApiProperty } from '@nestjs/swagger';

export const ANALYTICS_BASES = ['counting', 'all'] as const;

export class CommonFailureDto {
  @ApiProperty({ example: 'memory grew by N MiB over N calls', description: 'the message with every number made "N": what is grouped' })
  pattern!: string;
  @ApiProperty({ example: 'memory grew by 82.42 MiB over 20000 calls', description: 'one real message of the group' })
  example!: string;
  @ApiProperty({ description: 'failing runs of the test with this pattern' })
  count!: number;
}

export class TestAnalyticsDto {
  @ApiProperty({ description: 'run order, from 0' })
  position!: number;
  @ApiProperty()
  name!: string;
  @ApiProperty()
  hidden!: boolean;
  @ApiProperty()
  maxScore!: number;
  @ApiProperty({ description: 'submissions (of the basis) whose latest run has this test' })
  runs!: number;
  @ApiProperty()
  passed!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'passed / runs, from 0 to 1; null without runs' })
  passRate!: number | null;
  @ApiProperty({ nullable: true, type: Number })
  meanScore!: number | null;
  @ApiProperty({ nullable: true, type: CommonFailureDto, description: 'the most frequent failing message; null when nobody failed it' })
  commonFailure!: CommonFailureDto | null;
}

export class ScoreBinDto {
  @ApiProperty({ example: 90 })
  fromPercent!: number;
  @ApiProperty({ example: 100, description: 'exclusive, except for the last bin, which holds 100 %' })
  toPercent!: number;
  @ApiProperty()
  count!: number;
}

export class TrendDayDto {
  @ApiProperty({ example: '2026-12-01', description: 'UTC day the submissions were made' })
  day!: string;
  @ApiProperty()
  submissions!: number;
  @ApiProperty({ description: 'mean score as % of the maximum' })
  meanPercent!: number;
  @ApiProperty()
  fullMarks!: number;
}

export class ExerciseAnalyticsDto {
  @ApiProperty()
  course!: string;
  @ApiProperty()
  exercise!: string;
  @ApiProperty()
  title!: string;
  @ApiProperty({ example: { number: 2, current: true } })
  version!: { number: number; current: boolean };
  @ApiProperty({ enum: ANALYTICS_BASES })
  basis!: string;
  @ApiProperty({ description: 'what was counted, in words' })
  basisDescription!: string;
  @ApiProperty({ enum: ['best', 'latest'], description: "the course's gradebook policy (decides which submission counts)" })
  policy!: string;
  @ApiProperty()
  generatedAt!: string;
  @ApiProperty()
  maxScore!: number;
  @ApiProperty({ description: 'submissions counted' })
  submissions!: number;
  @ApiProperty({ description: 'distinct students among them' })
  students!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'mean score as % of the maximum' })
  meanPercent!: number | null;
  @ApiProperty()
  fullMarks!: number;
  @ApiProperty({ type: [TestAnalyticsDto] })
  tests!: TestAnalyticsDto[];
  @ApiProperty({ type: [ScoreBinDto], description: 'ten bins of 10 %' })
  histogram!: ScoreBinDto[];
  @ApiProperty({ type: [TrendDayDto] })
  trend!: TrendDayDto[];
}
