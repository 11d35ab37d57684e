// What the API returns, as the OpenAPI document (openapi.json) declares it: every view is taken from
// the types generated from it (generated/api.d.ts, `npm run api:types`), none is declared by hand here.
// Measurements are free-form: see measurements.ts.
import type { components } from './generated/api';

type Schemas = components['schemas'];

export type Me = Schemas['MeView'];
export type Role = Me['role'];
export type Course = Schemas['CourseView'];
/** Who someone is in a course's roster. */
export type CourseRole = Schemas['MemberView']['role'];

export type Limits = Schemas['ExerciseLimits'];
export type ExerciseSummary = Schemas['ExerciseSummary'];
export type ExerciseDetail = Schemas['ExerciseDetail'];
export type ExerciseVersion = Schemas['ExerciseVersionView'];

export type SubmissionView = Schemas['SubmissionViewDto'];
export type SubmissionStatus = SubmissionView['status'];
export type Verdict = NonNullable<SubmissionView['verdict']>;
export type SubmissionSummary = Schemas['SubmissionSummaryDto'];
export type SubmissionPage = Schemas['SubmissionPageDto'];
/** POST /submissions */
export type CreatedSubmission = Schemas['CreatedSubmissionDto'];
/** POST /submissions/{id}/regrade */
export type RegradeQueued = Schemas['RegradeQueuedDto'];
export type QueuePlace = Schemas['QueuePlaceDto'];
/** Something the harness flagged for the instructor (staff only). */
export type Flag = Schemas['FlagDto'];
export type FlagSeverity = Flag['severity'];
export type TestView = Schemas['TestViewDto'];
export type EvidenceStatus = NonNullable<TestView['evidence']>;
export type OutputSection = Schemas['OutputSectionDto'];
export type StudentOutput = Schemas['StudentOutputDto'];
export type DiffLine = Schemas['DiffLineDto'];
export type FileDiff = Schemas['FileDiffDto'];
export type SubmissionCode = Schemas['SubmissionCodeDto'];
/** A version regrade and how far it got (GET …/versions/{n}/regrades/{id}). */
export type Regrade = Schemas['RegradeViewDto'];

export type SubmissionLateness = Schemas['SubmissionLatenessView'];
export type LatePolicy = SubmissionLateness['latePolicy'];
/** One level of deadline settings (course default or an exercise's own); null = not set there. */
export type DeadlineSettings = Schemas['DeadlineSettingsView'];
export type EffectiveDeadline = Schemas['EffectivePolicyView'];
export type CourseDeadlines = Schemas['CourseDeadlinesView'];
export type DeadlineExtension = Schemas['ExtensionView'];
export type DeadlineStatus = Schemas['DeadlineStatusView'];

/** GET /courses/:c/enrolments */
export type Enrolment = Schemas['EnrolmentView'];
/** GET /courses/:c/members */
export type Member = Schemas['MemberView'];
/** POST /courses/:c/members */
export type AddedMember = Schemas['AddMemberResponse'];
export type MemberOutcome = AddedMember['outcome'];
/** POST /courses/:c/members/import */
export type RosterImportReport = Schemas['RosterImportReport'];

export type Gradebook = Schemas['Gradebook'];
export type GradebookCell = Schemas['GradebookCell'];

export type ExerciseAnalytics = Schemas['ExerciseAnalyticsDto'];
export type TryRunView = Schemas['TryRunViewDto'];
export type TryRunResult = Schemas['TryRunResultDto'];
export type PublishedVersion = Schemas['PublishedVersion'];
export type LtiPlatform = Schemas['PlatformView'];
export type ToolConfiguration = Schemas['ToolConfigurationView'];

/** An error answer's field at fault (ErrorBodyDto.fields). */
export type FieldProblem = Schemas['FieldProblemDto'];

export const FINAL_STATUSES: ReadonlySet<SubmissionStatus> = new Set(['graded', 'error']);
