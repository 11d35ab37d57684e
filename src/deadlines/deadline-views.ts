import type { DeadlineSettings, EffectivePolicy, Lateness } from './deadline-policy';
import type { DeadlineSettingsView, EffectivePolicyView, SubmissionLatenessView } from './dto/deadline-views.dto';

export const toSettingsView = (settings: DeadlineSettings | null): DeadlineSettingsView => ({
  dueAt: settings?.dueAt?.toISOString() ?? null,
  latePolicy: settings?.latePolicy ?? null,
  penaltyPercentPerDay: settings?.penaltyPercentPerDay ?? null,
  penaltyFloorPercent: settings?.penaltyFloorPercent ?? null,
  maxAttempts: settings?.maxAttempts ?? null,
});

export const toEffectiveView = (policy: EffectivePolicy): EffectivePolicyView => ({
  dueAt: policy.dueAt?.toISOString() ?? null,
  baseDueAt: policy.baseDueAt?.toISOString() ?? null,
  latePolicy: policy.latePolicy,
  penaltyPercentPerDay: policy.penaltyPercentPerDay,
  penaltyFloorPercent: policy.penaltyFloorPercent,
  maxAttempts: policy.maxAttempts,
  extended: policy.extended,
});

export const toLatenessView = (policy: EffectivePolicy, lateness: Lateness, countedScore: number | null): SubmissionLatenessView => ({
  dueAt: policy.dueAt?.toISOString() ?? null,
  latePolicy: policy.latePolicy,
  late: lateness.late,
  daysLate: lateness.daysLate,
  penaltyPercent: lateness.penaltyPercent,
  countedScore,
});
