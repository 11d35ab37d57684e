// Flags (constructs the instructor should review) and "evidence disagreed" marks, read out of what
// a grading run stored. Everything here comes from a run of student code: it is parsed strictly
// into plain values of known shape and size, whatever the stored JSON holds.

export const FLAG_SEVERITIES = ['high', 'medium', 'low'] as const;
export type FlagSeverity = (typeof FLAG_SEVERITIES)[number];

/**
 * Test statuses that say the run's evidence could not be trusted: an out-of-process check
 * contradicted the in-process pass, the test's channel was tampered with, two sources disagreed, or
 * the student's code used a blocked tool. Each counts as a mark of severity high.
 */
export const EVIDENCE_STATUSES = ['contradicted', 'tampered', 'disagreed', 'blocked'] as const;
export type EvidenceStatus = (typeof EVIDENCE_STATUSES)[number];
export const EVIDENCE_SEVERITY: FlagSeverity = 'high';

/** One flag as staff see it. Static flags name file, line and the source text; runtime flags where they fired. */
export interface Flag {
  kind: string;
  severity: FlagSeverity;
  code: string;
  message: string;
  file?: string;
  line?: number;
  text?: string;
  where?: string;
}

const RANK: Record<FlagSeverity, number> = { high: 0, medium: 1, low: 2 };
const MAX_FLAGS = 200;

const text = (value: unknown, max: number): string | undefined => (typeof value === 'string' ? value.slice(0, max) : undefined);

/** The stored flags as plain values: non-objects dropped, strings capped, an unknown severity read as medium. */
export function parseFlags(raw: unknown): Flag[] {
  if (!Array.isArray(raw)) return [];
  const flags: Flag[] = [];
  for (const item of raw.slice(0, MAX_FLAGS)) {
    if (!item || typeof item !== 'object' || Array.isArray(item)) continue;
    const f = item as Record<string, unknown>;
    const severity = FLAG_SEVERITIES.includes(f.severity as FlagSeverity) ? (f.severity as FlagSeverity) : 'medium';
    const flag: Flag = { kind: text(f.kind, 40) ?? 'unknown', severity, code: text(f.code, 80) ?? 'unknown', message: text(f.message, 1000) ?? '' };
    const file = text(f.file, 300);
    if (file !== undefined) flag.file = file;
    if (typeof f.line === 'number' && Number.isInteger(f.line) && f.line > 0) flag.line = f.line;
    const source = text(f.text, 500);
    if (source !== undefined) flag.text = source;
    const where = text(f.where, 300);
    if (where !== undefined) flag.where = where;
    flags.push(flag);
  }
  return flags.sort((a, b) => RANK[a.severity] - RANK[b.severity]);
}

/** The evidence mark of one test (from its measurements' status), or null when its evidence held. */
export function evidenceOf(measurements: unknown): EvidenceStatus | null {
  if (!measurements || typeof measurements !== 'object') return null;
  const status = (measurements as Record<string, unknown>).status;
  return EVIDENCE_STATUSES.includes(status as EvidenceStatus) ? (status as EvidenceStatus) : null;
}

/** The highest severity among flags and evidence marks; null when there are none. */
export function highestSeverity(flags: readonly Pick<Flag, 'severity'>[], evidenceMarks = 0): FlagSeverity | null {
  const severities = [...(evidenceMarks > 0 ? [EVIDENCE_SEVERITY] : []), ...flags.map((f) => f.severity)];
  return severities.length ? severities.reduce((best, s) => (RANK[s] < RANK[best] ? s : best)) : null;
}

/** The severities at least as serious as `atLeast` (for "flagSeverity=medium": medium and high). */
export function severitiesAtLeast(atLeast: FlagSeverity): FlagSeverity[] {
  return FLAG_SEVERITIES.filter((s) => RANK[s] <= RANK[atLeast]);
}

/** What a run's flags and tests say, as stored on the submission (Submission.flagSeverity). */
export function flagSeverityOfRun(flags: unknown, tests: readonly { measurements?: unknown }[]): FlagSeverity | null {
  return highestSeverity(parseFlags(flags), tests.filter((t) => evidenceOf(t.measurements) !== null).length);
}
