import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../../src/common/errors/domain-errors';
import { CourseMembersService } from '../../src/courses/course-members.service';
import { AccessPolicy } from '../../src/access/access-policy';
import { RosterImportService } from '../../src/courses/roster-import.service';
import { type MediumContext, startMedium } from './medium.factory';

/** The roster's rules on a real database: who may do what in a course, adding people, the CSV import. */
describe('CourseMembersService and RosterImportService', () => {
  let ctx: MediumContext;
  let access: AccessPolicy;
  let members: CourseMembersService;
  let imports: RosterImportService;
  const tag = () => Math.random().toString(36).slice(2, 10);

  beforeAll(async () => {
    ctx = await startMedium();
    access = ctx.get(AccessPolicy);
    members = ctx.get(CourseMembersService);
    imports = ctx.get(RosterImportService);
  });

  afterAll(async () => {
    await ctx?.close();
  });

  async function courseWithStaff() {
    const course = await ctx.data.newCourse();
    const instructor = await ctx.newPrincipal('instructor');
    const ta = await ctx.newPrincipal('student');
    const student = await ctx.newPrincipal('student');
    await ctx.data.enrol(course.id, instructor.userId, 'instructor');
    await ctx.data.enrol(course.id, ta.userId, 'ta');
    await ctx.data.enrol(course.id, student.userId, 'student');
    return { course, instructor, ta, student };
  }

  it('finds the course for each capability of the caller: a TA reads and regrades, 403 with the reason for the rest, 404 for outsiders', async () => {
    const { course, ta, student } = await courseWithStaff();
    const outsider = await ctx.newPrincipal('student');
    expect((await access.findFor(ta.principal, course.slug, 'readAll')).id).toBe(course.id);
    expect((await access.findFor(ta.principal, course.slug, 'regrade')).id).toBe(course.id);
    for (const capability of ['publish', 'manageMembers', 'manageKeys', 'manageWebhooks', 'editCourse', 'manageLmsStudents'] as const) {
      await expect(access.findFor(ta.principal, course.slug, capability)).rejects.toThrow(ForbiddenError);
    }
    await expect(access.findFor(ta.principal, course.slug, 'publish')).rejects.toThrow(
      `a teaching assistant of course "${course.slug}" may not publish exercise versions or make one current`,
    );
    await expect(access.findFor(student.principal, course.slug, 'readAll')).rejects.toThrow(/^a student of course .* may not read every submission/);
    await expect(access.findFor(outsider.principal, course.slug, 'view')).rejects.toThrow(NotFoundError);
    expect(await access.staffCourseIds(ta.principal)).toEqual(new Set([course.id]));
    expect(await access.staffCourseIds(student.principal)).toEqual(new Set());
  });

  it('creates, enrols, changes and leaves alone as asked, finding people by external id or by email in any case', async () => {
    const { course, instructor } = await courseWithStaff();
    const actor = 'instructor' as const;
    const t = tag();
    const created = await members.apply(course, actor, instructor.userId, { email: `Ann-${t}@Medium.test`, externalId: `ext-${t}`, displayName: 'Ann', role: 'ta' });
    expect(created).toMatchObject({ outcome: 'created', member: { role: 'ta', email: `Ann-${t}@Medium.test`, externalId: `ext-${t}` } });
    expect(await ctx.prisma.user.findUniqueOrThrow({ where: { id: created.member.userId } })).toMatchObject({ role: 'student', externalSource: course.id });
    const byEmail = await members.apply(course, actor, instructor.userId, { email: `ann-${t}@medium.test`, role: 'ta' });
    expect(byEmail).toMatchObject({ outcome: 'unchanged', member: { userId: created.member.userId } });
    const byExternalId = await members.apply(course, actor, instructor.userId, { externalId: `ext-${t}`, role: 'student' });
    expect(byExternalId).toMatchObject({ outcome: 'role_changed', member: { userId: created.member.userId, role: 'student' } });
    const known = await ctx.newPrincipal('student');
    expect((await members.apply(course, actor, instructor.userId, { userId: known.userId, role: 'student' })).outcome).toBe('enrolled');
  });

  it('refuses what an instructor may not do, and writes nothing then', async () => {
    const { course, instructor } = await courseWithStaff();
    const t = tag();
    const lms = await ctx.newPrincipal('lms', { courseId: course.id });
    const users = await ctx.prisma.user.count();
    await expect(members.apply(course, 'instructor', instructor.userId, { email: `prof-${t}@medium.test`, displayName: 'Prof', role: 'instructor' })).rejects.toThrow(
      ForbiddenError,
    );
    await expect(members.apply(course, 'instructor', instructor.userId, { email: `noname-${t}@medium.test`, role: 'student' })).rejects.toMatchObject({
      problems: [{ field: 'displayName' }],
    });
    await expect(members.apply(course, 'instructor', instructor.userId, { userId: instructor.userId, role: 'student' })).rejects.toThrow(ConflictError);
    await expect(members.apply(course, 'instructor', instructor.userId, { userId: lms.userId, role: 'student' })).rejects.toThrow(InvalidInputError);
    expect(await ctx.prisma.user.count()).toBe(users);
    expect((await members.apply(course, 'admin', instructor.userId, { email: `prof-${t}@medium.test`, displayName: 'Prof', role: 'instructor' })).outcome).toBe('created');
    expect(await ctx.prisma.user.findFirstOrThrow({ where: { email: `prof-${t}@medium.test` } })).toMatchObject({ role: 'instructor' });
  });

  it('imports row by row: a bad row in the middle is reported and the rows after it are applied; duplicates by external id too', async () => {
    const { course, instructor } = await courseWithStaff();
    const t = tag();
    const csv = [`external_id,name,role`, `a-${t},Ann,student`, `b-${t},Ben,professor`, `c-${t},Cy,ta`, `a-${t},Ann twice,ta`, `bad id ${t},Dee,student`, `e-${t},,student`].join(
      '\n',
    );
    const report = await imports.import(instructor.principal, course.slug, csv);
    expect(report.rows.map((r) => [r.row, r.outcome, r.field ?? null])).toEqual([
      [2, 'created', null],
      [3, 'error', 'role'],
      [4, 'created', null],
      [5, 'error', 'external_id'],
      [6, 'error', 'external_id'],
      [7, 'error', 'name'],
    ]);
    expect(report.counts).toEqual({ created: 2, enrolled: 0, role_changed: 0, unchanged: 0, error: 4 });
    const roster = await ctx.prisma.enrolment.findMany({ where: { courseId: course.id }, include: { user: true } });
    expect(
      roster
        .filter((e) => e.user.externalId?.endsWith(t))
        .map((e) => `${e.user.externalId}:${e.role}`)
        .sort(),
    ).toEqual([`a-${t}:student`, `c-${t}:ta`]);
  });

  it('lets only those who manage the roster import: a TA gets 403 before the file is read', async () => {
    const { course, ta } = await courseWithStaff();
    await expect(imports.import(ta.principal, course.slug, 'not,a,roster')).rejects.toThrow(/^a teaching assistant of course .* may not manage the roster/);
  });
});
