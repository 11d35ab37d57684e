// What GET …/gradebook answers as JSON (GradebookService builds it; gradebook.csv.ts writes it as
// CSV): one definition for the service and the OpenAPI document.
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { FLAG_SEVERITIES, type FlagSeverity } from '../../results/flag-summary';
import { GRADEBOOK_POLICIES, type GradebookPolicy } from '../gradebook.types';

export class GradebookExercise {
  @ApiProperty({ example: 'weak-cache' }) slug!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ description: "points of the exercise's current version (what a full score is now)" }) maxScore!: number;
  @ApiPropertyOptional({ format: 'date-time', description: "only when the exercise has a due date (its own or the course default's), without extensions" }) dueAt?: string;
}

/** The graded submission that counts for one student and exercise. */
export class GradebookCell {
  @ApiProperty({ description: "the score that counts: the submission's score after the late policy" }) score!: number;
  @ApiProperty({ description: 'points of the version that submission was graded against' }) maxScore!: number;
  @ApiProperty({ format: 'uuid' }) submissionId!: string;
  @ApiProperty({ format: 'date-time' }) submittedAt!: string;
  @ApiPropertyOptional({ enum: FLAG_SEVERITIES, description: "only when that submission is flagged: the highest severity of its latest run's flags and evidence marks" })
  flagSeverity?: FlagSeverity;
  @ApiPropertyOptional({ type: Boolean, enum: [true], description: "only when it was accepted after its student's due date; then daysLate, penaltyPercent and rawScore too" })
  late?: true;
  @ApiPropertyOptional({ description: 'started days after the due date' }) daysLate?: number;
  @ApiPropertyOptional({ description: 'percent taken off rawScore (penalty policy; 0 when marked)' }) penaltyPercent?: number;
  @ApiPropertyOptional({ description: 'the graded score before the penalty' }) rawScore?: number;
}

@ApiExtraModels(GradebookCell)
export class GradebookRow {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ type: String, nullable: true }) externalId!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: { nullable: true, allOf: [{ $ref: getSchemaPath(GradebookCell) }] },
    description: 'exercise slug → the counting submission, or null when the student has no graded submission of it',
  })
  grades!: Record<string, GradebookCell | null>;
  @ApiProperty({ description: 'sum of the counting scores' }) total!: number;
}

export class Gradebook {
  @ApiProperty({ example: 'python-memory' }) course!: string;
  @ApiProperty({ enum: GRADEBOOK_POLICIES }) policy!: GradebookPolicy;
  @ApiProperty({ format: 'date-time' }) generatedAt!: string;
  @ApiProperty({ type: [GradebookExercise] }) exercises!: GradebookExercise[];
  @ApiProperty({ description: "sum of the exercises' maxScore" }) maxTotal!: number;
  @ApiProperty({ type: [GradebookRow] }) students!: GradebookRow[];
}
