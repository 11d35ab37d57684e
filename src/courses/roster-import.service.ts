import { Injectable } from '@nestjs/common';
import { isEmail } from 'class-validator';
import { AccessPolicy } from '../access/access-policy';
import type { Principal } from '../auth/principal';
import { DomainError } from '../common/errors/domain-errors';
import type { MemberOutcome, RosterImportReport, RosterImportRowView } from './dto/member-views.dto';
import { CourseMembersService, type MemberRequest } from './course-members.service';
import { EXTERNAL_ID, EXTERNAL_ID_MESSAGE, MEMBER_ROLES, type MemberRole } from './dto/member.dto';
import { parseRosterCsv, type RosterCsvRow } from './roster-csv';

/** Role names a roster file may use, to memgrade's. */
const ROLE_NAMES: Record<string, MemberRole> = {
  student: 'student',
  learner: 'student',
  ta: 'ta',
  teaching_assistant: 'ta',
  instructor: 'instructor',
  teacher: 'instructor',
};

/**
 * Enrolment from a CSV file, row by row: each row is checked, then applied in its own transaction
 * (CourseMembersService.apply), so a bad row is reported with its line and reason and writes
 * nothing, and the good rows are applied. A row that names the same person as an earlier row is
 * an error (the earlier one wins). Problems of the file as a whole refuse it before anything is
 * written.
 */
@Injectable()
export class RosterImportService {
  constructor(
    private readonly access: AccessPolicy,
    private readonly members: CourseMembersService,
  ) {}

  async import(principal: Principal, slug: string, csv: string): Promise<RosterImportReport> {
    const course = await this.access.findFor(principal, slug, 'manageMembers');
    const actor = (await this.access.actorIn(principal, course.id))!;
    const rows = parseRosterCsv(csv);
    const seen = new Map<string, number>();
    const report: RosterImportRowView[] = [];
    for (const row of rows) {
      const base = { row: row.row, email: row.email, externalId: row.externalId, name: row.name, role: row.role };
      const checked = requestOf(row);
      if ('reason' in checked) {
        report.push({ ...base, outcome: 'error', ...checked });
        continue;
      }
      const repeated = identities(checked).find((id) => seen.has(id));
      if (repeated !== undefined) {
        report.push({
          ...base,
          outcome: 'error',
          field: repeated.startsWith('email:') ? 'email' : 'external_id',
          reason: `names the same person as line ${seen.get(repeated)}: each person once per file`,
        });
        continue;
      }
      for (const id of identities(checked)) seen.set(id, row.row);
      try {
        const change = await this.members.apply(course, actor, principal.userId, checked);
        report.push({ ...base, outcome: change.outcome, userId: change.member.userId });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        const problem = error.problems[0];
        report.push({ ...base, outcome: 'error', field: columnOf(problem?.field), reason: problem?.reason ?? error.message });
      }
    }
    const counts = { created: 0, enrolled: 0, role_changed: 0, unchanged: 0, error: 0 } satisfies Record<MemberOutcome | 'error', number>;
    for (const row of report) counts[row.outcome] += 1;
    return { course: course.slug, mode: 'per-row', counts, rows: report };
  }
}

/** A row as a member request, or the column at fault and why. */
function requestOf(row: RosterCsvRow): MemberRequest | { field: string; reason: string } {
  if (row.problem) return { field: 'row', reason: row.problem };
  if (!row.email && !row.externalId) return { field: 'email', reason: 'is empty, and so is external_id: a row needs one of them' };
  if (row.email && (row.email.length > 320 || !isEmail(row.email))) return { field: 'email', reason: 'is not an email address' };
  if (row.externalId && !EXTERNAL_ID.test(row.externalId)) return { field: 'external_id', reason: EXTERNAL_ID_MESSAGE };
  if (row.name && row.name.length > 200) return { field: 'name', reason: 'is longer than 200 characters' };
  const role = row.role ? ROLE_NAMES[row.role.toLowerCase().replace(/[\s-]+/g, '_')] : 'student';
  if (!role) return { field: 'role', reason: `"${row.role!.slice(0, 40)}" is not a role: use one of ${MEMBER_ROLES.join(', ')} (empty means student)` };
  return { email: row.email ?? undefined, externalId: row.externalId ?? undefined, displayName: row.name ?? undefined, role };
}

const identities = (request: MemberRequest) =>
  [request.email ? `email:${request.email.toLowerCase()}` : null, request.externalId ? `ext:${request.externalId}` : null].filter((id): id is string => !!id);

/** The CSV column for a field of the member request. */
function columnOf(field: string | undefined): string | undefined {
  return field === 'externalId' ? 'external_id' : field === 'displayName' ? 'name' : field;
}
