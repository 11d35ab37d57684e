import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsNumber, Max, Min, ValidateIf, registerDecorator, type ValidationOptions } from 'class-validator';
import { LATE_POLICIES, type LatePolicy } from '../deadline-policy';

/** Left out or null: not set at this level (an exercise then inherits the course's default). */
const Nullable = () => ValidateIf((_object, value) => value !== undefined && value !== null);

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(Z|[+-](\d{2}):(\d{2}))$/;

/** An ISO 8601 date and time with its offset (Z or ±hh:mm), naming a real calendar day: stored as the UTC instant it names. */
export function isInstant(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const match = INSTANT.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? 0));
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (year < 2000 || month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) return false;
  if (match[8] !== undefined && (Number(match[8]) > 14 || Number(match[9]) > 59)) return false;
  return !Number.isNaN(Date.parse(value));
}

function IsInstant(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isInstant',
      target: object.constructor,
      propertyName,
      options: { message: 'must be an ISO 8601 date and time with its offset, e.g. 2026-12-10T23:59:00Z or 2026-12-10T23:59:00+01:00', ...options },
      validator: { validate: isInstant },
    });
}

/**
 * One level of deadline settings (the course's default, or an exercise's own). PUT replaces the
 * level: a field left out or null is not set here. A due date in the past is allowed (it closes or
 * marks from now on).
 */
export class DeadlineSettingsDto {
  @ApiPropertyOptional({ type: String, nullable: true, example: '2026-12-10T23:59:00Z', description: 'ISO 8601 with offset; stored as a UTC instant' })
  @Nullable()
  @IsInstant()
  dueAt?: string | null;

  @ApiPropertyOptional({
    enum: LATE_POLICIES,
    nullable: true,
    description: 'closed: refused after the due date; penalty: a percentage off per started day late; marked: accepted and marked late (the default)',
  })
  @Nullable()
  @IsIn(LATE_POLICIES, { message: `must be one of ${LATE_POLICIES.join(', ')}` })
  latePolicy?: LatePolicy | null;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 0, maximum: 100, description: 'penalty: percent of the score taken off per started day late' })
  @Nullable()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'must be a number from 0 to 100' })
  @Min(0, { message: 'must be a number from 0 to 100' })
  @Max(100, { message: 'must be a number from 0 to 100' })
  penaltyPercentPerDay?: number | null;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 0, maximum: 100, description: 'penalty: the least percent of the score a late submission keeps (default 0)' })
  @Nullable()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'must be a number from 0 to 100' })
  @Min(0, { message: 'must be a number from 0 to 100' })
  @Max(100, { message: 'must be a number from 0 to 100' })
  penaltyFloorPercent?: number | null;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 1, description: 'submissions a student may make (those that ended in error do not count); null: no limit' })
  @Nullable()
  @IsInt({ message: 'must be a whole number of at least 1' })
  @Min(1, { message: 'must be a whole number of at least 1' })
  @Max(100_000, { message: 'must be at most 100000' })
  maxAttempts?: number | null;
}

/** A student's extension on one exercise: their own due date and/or extra attempts (at least one of them). */
export class ExtensionDto {
  @ApiPropertyOptional({ type: String, nullable: true, example: '2026-12-14T23:59:00Z', description: "replaces the exercise's due date for this student" })
  @Nullable()
  @IsInstant()
  dueAt?: string | null;

  @ApiPropertyOptional({ type: Number, minimum: 0, description: 'added to the attempt limit for this student (default 0)' })
  @Nullable()
  @IsInt({ message: 'must be a whole number from 0 to 1000' })
  @Min(0, { message: 'must be a whole number from 0 to 1000' })
  @Max(1000, { message: 'must be a whole number from 0 to 1000' })
  extraAttempts?: number | null;
}
