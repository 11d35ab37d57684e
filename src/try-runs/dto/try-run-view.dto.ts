// What the runs routes answer, for the OpenAPI document; TryRunsService builds this shape.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { TryRunOutcome, TryRunResult } from '../../queue/try-runs';
import type { TryRunView } from '../try-runs.service';
import { sameKeys } from '../../common/http/dto/same-keys';

export const TRY_RUN_STATUSES = ['queued', 'running', 'done'] as const;
export type TryRunStatus = (typeof TRY_RUN_STATUSES)[number];
export const TRY_RUN_OUTCOMES = [
  'finished',
  'error',
  'syntax_error',
  'timeout',
  'memory_limit',
  'output_limit',
  'expired',
  'sandbox_error',
] as const satisfies readonly TryRunOutcome[];

type TryRunLimits = TryRunResult['limits'];

export class TryRunLimitsDto implements TryRunLimits {
  @ApiProperty({ example: 256 })
  memoryMiB!: number;
  @ApiProperty({ example: 10 })
  timeSeconds!: number;
  @ApiProperty({ example: 65536, description: 'cap on each of stdout and stderr' })
  outputBytes!: number;
}

export class TryRunResultDto implements TryRunResult {
  @ApiProperty({ enum: TRY_RUN_OUTCOMES, description: 'finished = exit 0; error = an exception or a non-zero exit; the others say which limit stopped it' })
  outcome!: TryRunOutcome;
  @ApiProperty({ example: 'stopped after the time limit of 10 s (an endless loop, or too slow); peak memory 9.1 MiB', description: 'the outcome in a sentence' })
  summary!: string;
  @ApiProperty({ nullable: true, type: Number, example: 0 })
  exitCode!: number | null;
  @ApiProperty()
  stdout!: string;
  @ApiProperty()
  stderr!: string;
  @ApiProperty({ description: 'stdout went past outputBytes: what is shown is its beginning' })
  stdoutTruncated!: boolean;
  @ApiProperty()
  stderrTruncated!: boolean;
  @ApiProperty({ nullable: true, type: String, example: 'ZeroDivisionError: division by zero', description: 'the last line of the traceback, if any' })
  error!: string | null;
  @ApiProperty({ nullable: true, type: Number, description: "high-water mark of the run's memory in bytes, the interpreter included" })
  peakMemoryBytes!: number | null;
  @ApiProperty()
  wallMs!: number;
  @ApiProperty({ type: TryRunLimitsDto })
  limits!: TryRunLimitsDto;
}

export class TryRunViewDto implements TryRunView {
  @ApiProperty({ description: 'poll GET /api/v1/runs/{id} while status is not "done"' })
  id!: string;
  @ApiProperty({ example: 'python-memory/weak-cache' })
  exercise!: string;
  @ApiProperty({ enum: TRY_RUN_STATUSES })
  status!: TryRunStatus;
  @ApiPropertyOptional({ type: TryRunResultDto, description: 'when status is "done"' })
  result?: TryRunResultDto;
}

// Optional fields too: see same-keys.ts.
sameKeys<TryRunLimitsDto, TryRunLimits>(true);
sameKeys<TryRunResultDto, TryRunResult>(true);
sameKeys<TryRunViewDto, TryRunView>(true);
