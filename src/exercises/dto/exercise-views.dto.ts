// What the exercises routes answer (ExercisesService, ExercisePublishingService build these shapes):
// one definition for the services and the OpenAPI document.
import { ApiProperty } from '@nestjs/swagger';
import type { ValidationStatus } from '../../generated/prisma/enums';

const VALIDATION_STATUSES = ['pending', 'valid', 'invalid'] as const satisfies readonly ValidationStatus[];

export class ExerciseLimits {
  @ApiProperty({ example: 256 }) memoryMiB!: number;
  @ApiProperty({ example: 10 }) timeSeconds!: number;
}

export class ExerciseSummary {
  @ApiProperty({ example: 'weak-cache' }) slug!: string;
  @ApiProperty() title!: string;
  @ApiProperty() maxScore!: number;
  @ApiProperty({ type: [String], example: ['solution.py'], description: 'the files a student submits' }) studentFiles!: string[];
  @ApiProperty({ type: ExerciseLimits }) limits!: ExerciseLimits;
}

export class ExerciseTestEntry {
  @ApiProperty({ description: 'for students a hidden test is "Hidden test N"' }) name!: string;
  @ApiProperty() points!: number;
  @ApiProperty() hidden!: boolean;
}

export class ExerciseVersionRef {
  @ApiProperty() number!: number;
  @ApiProperty() contentHash!: string;
}

export class ExerciseDetail extends ExerciseSummary {
  @ApiProperty({ description: 'Markdown' }) statement!: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'the starter code of each student file' }) starter!: Record<string, string>;
  @ApiProperty({ type: [ExerciseTestEntry] }) tests!: ExerciseTestEntry[];
  @ApiProperty({ type: ExerciseVersionRef }) version!: ExerciseVersionRef;
}

export class ExerciseVersionView {
  @ApiProperty() number!: number;
  @ApiProperty() contentHash!: string;
  @ApiProperty({ enum: VALIDATION_STATUSES }) status!: ValidationStatus;
  @ApiProperty({ description: 'new submissions are graded against this version' }) current!: boolean;
  @ApiProperty() maxScore!: number;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'the validation report (while pending: { inProgress: true, steps })' }) validation!: unknown;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: "the reference solution's measured peaks, per test" }) referencePeaks!: unknown;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class PublishedVersion {
  @ApiProperty({ example: 'weak-cache', description: "the exercise's slug" }) exercise!: string;
  @ApiProperty() version!: number;
  @ApiProperty() contentHash!: string;
  @ApiProperty({ enum: VALIDATION_STATUSES }) status!: ValidationStatus;
  @ApiProperty({ description: 'false when this exact content was published before: nothing new was created' }) created!: boolean;
}
