// What the deadline routes answer (deadline-views.ts maps the stored policy into these shapes):
// one definition for the services and the OpenAPI document.
import { ApiProperty } from '@nestjs/swagger';
import { LATE_POLICIES, type LatePolicy } from '../deadline-policy';

/** One level of settings as stored; null = not set at this level. */
export class DeadlineSettingsView {
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) dueAt!: string | null;
  @ApiProperty({ enum: LATE_POLICIES, nullable: true }) latePolicy!: LatePolicy | null;
  @ApiProperty({ type: Number, nullable: true }) penaltyPercentPerDay!: number | null;
  @ApiProperty({ type: Number, nullable: true }) penaltyFloorPercent!: number | null;
  @ApiProperty({ type: Number, nullable: true }) maxAttempts!: number | null;
}

/** What applies, every level resolved (the built-in defaults filled in). */
export class EffectivePolicyView {
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: "the due date that applies (the student's extension's when they have one)" }) dueAt!:
    string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'the due date without any extension' }) baseDueAt!: string | null;
  @ApiProperty({ enum: LATE_POLICIES }) latePolicy!: LatePolicy;
  @ApiProperty() penaltyPercentPerDay!: number;
  @ApiProperty() penaltyFloorPercent!: number;
  @ApiProperty({ type: Number, nullable: true, description: "with the extension's extra attempts; null: no limit" }) maxAttempts!: number | null;
  @ApiProperty() extended!: boolean;
}

export class ExerciseDeadlineView {
  @ApiProperty() exercise!: string;
  @ApiProperty({ type: DeadlineSettingsView, description: "the exercise's own settings" }) own!: DeadlineSettingsView;
  @ApiProperty({ type: EffectivePolicyView, description: 'own settings over the course default, for a student without an extension' }) effective!: EffectivePolicyView;
}

export class CourseDeadlinesView {
  @ApiProperty() course!: string;
  @ApiProperty({ type: DeadlineSettingsView }) default!: DeadlineSettingsView;
  @ApiProperty({ type: [ExerciseDeadlineView] }) exercises!: ExerciseDeadlineView[];
}

export class ExtensionView {
  @ApiProperty() exercise!: string;
  @ApiProperty({ format: 'uuid' }) studentId!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ type: String, nullable: true }) externalId!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) dueAt!: string | null;
  @ApiProperty() extraAttempts!: number;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

/** One student's standing on one exercise: what the exercise page shows them. */
export class DeadlineStatusView extends EffectivePolicyView {
  @ApiProperty() exercise!: string;
  @ApiProperty({ format: 'uuid' }) studentId!: string;
  @ApiProperty({ description: 'submissions that count against the limit (those that ended in error do not)' }) attemptsUsed!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'null: no limit' }) attemptsLeft!: number | null;
  @ApiProperty({ description: 'whether a submission made now is accepted' }) open!: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'why not, when open is false' }) closedReason!: string | null;
  @ApiProperty({ description: 'a submission made now would be late' }) lateNow!: boolean;
  @ApiProperty({ description: 'started days late of a submission made now' }) daysLateNow!: number;
  @ApiProperty({ description: 'percent a submission made now would lose' }) penaltyPercentNow!: number;
  @ApiProperty({ format: 'date-time' }) now!: string;
}

/** How a submission stands against the deadline, on the submission view and in gradebook cells. */
export class SubmissionLatenessView {
  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'the due date that applied to its student' }) dueAt!: string | null;
  @ApiProperty({ enum: LATE_POLICIES }) latePolicy!: LatePolicy;
  @ApiProperty({ description: 'accepted by the API after the due date' }) late!: boolean;
  @ApiProperty() daysLate!: number;
  @ApiProperty({ description: 'percent taken off the score that counts' }) penaltyPercent!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'the score after the late policy (null until graded); what the gradebook and the LMS get' }) countedScore!:
    number | null;
}
