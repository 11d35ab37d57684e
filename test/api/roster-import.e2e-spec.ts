import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service';
import { TestData, fixture } from '../support/fixtures';
import { startApi } from '../support/platform';

/**
 * Enrolment by CSV (test/fixtures/rosters/): a BOM and CRLF file with quoted cells, a TA by
 * external id, payload and formula-looking names, people memgrade already knows, a duplicate, an
 * unknown role, a bad email, a row without identity or name, a row with too many cells. Each row
 * is reported with its line and outcome; bad rows write nothing; importing again changes nothing.
 */
describe('roster import from CSV: a report per row, bad rows write nothing', () => {
  let app: INestApplication;
  let prisma: PrismaService;
  let data: TestData;
  let course: { id: string; slug: string };
  let instructor: { id: string; key: string };
  let member: { id: string };
  const http = () => request(app.getHttpServer());
  const as = (key: string) => ({ Authorization: `Bearer ${key}` });
  const importCsv = (csv: string, key = instructor.key, slug = course.slug) => http().post(`/api/v1/courses/${slug}/members/import`).set(as(key)).send({ csv });

  beforeAll(async () => {
    app = await startApi();
    prisma = app.get(PrismaService);
    data = new TestData(prisma);
    course = await data.newCourse();
    instructor = await data.newUser('instructor');
    await data.enrol(course.id, instructor.id, 'instructor');
    await prisma.user.create({ data: { role: 'student', displayName: 'Existing Person', email: 'existing@roster-fixture.test' } });
    member = await prisma.user.create({ data: { role: 'student', displayName: 'Member Person', email: 'member@roster-fixture.test' } });
    await data.enrol(course.id, member.id, 'student');
    const same = await prisma.user.create({ data: { role: 'student', displayName: 'Same Person', email: 'same@roster-fixture.test' } });
    await data.enrol(course.id, same.id, 'student');
  });

  afterAll(async () => {
    await app?.close();
  });

  const summary = (rows: { row: number; outcome: string; field?: string; reason?: string }[]) => rows.map((r) => [r.row, r.outcome, r.field ?? null]);

  it('reports every row: created, enrolled, role changed, unchanged, and each error with its line, column and reason', async () => {
    const response = await importCsv(fixture('rosters/mixed.csv')).expect(200);
    expect(response.body).toMatchObject({ course: course.slug, mode: 'per-row', counts: { created: 5, enrolled: 1, role_changed: 1, unchanged: 1, error: 7 } });
    expect(summary(response.body.rows)).toEqual([
      [2, 'created', null],
      [3, 'created', null],
      [4, 'created', null],
      [5, 'created', null],
      [6, 'created', null],
      [7, 'enrolled', null],
      [8, 'role_changed', null],
      [9, 'unchanged', null],
      [10, 'error', 'email'],
      [11, 'error', 'role'],
      [12, 'error', 'role'],
      [13, 'error', 'email'],
      [14, 'error', 'email'],
      [15, 'error', 'name'],
      [16, 'error', 'row'],
    ]);
    const reasons = Object.fromEntries(response.body.rows.filter((r: { outcome: string }) => r.outcome === 'error').map((r: { row: number; reason: string }) => [r.row, r.reason]));
    expect(reasons).toEqual({
      10: 'names the same person as line 2: each person once per file',
      11: 'instructor is only for existing users unless an admin asks',
      12: '"wizard" is not a role: use one of student, ta, instructor (empty means student)',
      13: 'is not an email address',
      14: 'is empty, and so is external_id: a row needs one of them',
      15: 'is needed to create this person: no user has this email or external id',
      16: 'has 5 cells but the header names 4 columns (quote a cell that holds the delimiter)',
    });
    // The cells come back as written (quotes undone), for the page to show as text.
    expect(response.body.rows[1]).toMatchObject({ externalId: 's-1002', name: 'Grace Hopper', role: 'TA' });
    expect(response.body.rows[4].name).toBe('=HYPERLINK("http://evil.example/","click me")');
  });

  it('stored what the good rows say, as text, and nothing for the bad ones', async () => {
    const roster = await prisma.enrolment.findMany({ where: { courseId: course.id }, include: { user: true } });
    const byName = Object.fromEntries(roster.map((e) => [e.user.displayName, { role: e.role, global: e.user.role, email: e.user.email, externalId: e.user.externalId }]));
    expect(byName).toMatchObject({
      'Lovelace, Ada': { role: 'student', global: 'student', email: 'ada@roster-fixture.test' },
      'Grace Hopper': { role: 'ta', global: 'student', email: null, externalId: 's-1002' },
      "<script>window.__pwned='csv-script'</script>": { role: 'student' },
      '<img src=x onerror="window.__pwned=\'csv-img\'">': { role: 'student' },
      '=HYPERLINK("http://evil.example/","click me")': { role: 'student' },
      'Existing Person': { role: 'ta', global: 'student' },
      'Member Person': { role: 'instructor' },
      'Same Person': { role: 'student' },
    });
    expect(roster).toHaveLength(9);
    const emails = ['newprof@roster-fixture.test', 'nobody@roster-fixture.test', 'noname@roster-fixture.test', 'cells@roster-fixture.test'];
    expect(await prisma.user.count({ where: { email: { in: emails } } })).toBe(0);
    expect(await prisma.user.count({ where: { displayName: { in: ['Ada again', 'Bad Email', 'No Identity'] } } })).toBe(0);
  });

  it('keeps the formula-looking name inert in the gradebook CSV, and the LMS finds the TA by the same external id', async () => {
    const csv = (await http().get(`/api/v1/courses/${course.slug}/gradebook?format=csv`).set(as(instructor.key)).expect(200)).text;
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example/"",""click me"")"`);
    expect(csv).not.toMatch(/(^|,)"?=HYPERLINK/m);
    const lms = (await http().post(`/api/v1/courses/${course.slug}/lms-keys`).set(as(instructor.key)).send({ name: 'LMS' }).expect(201)).body.secret;
    const found = await http().post(`/api/v1/courses/${course.slug}/students`).set(as(lms)).send({ externalId: 's-1002', displayName: 'Grace Hopper' }).expect(200);
    expect(found.body).toMatchObject({ externalId: 's-1002' });
  });

  it('imports the same file again without changing anything: good rows unchanged, the same errors', async () => {
    const before = await prisma.enrolment.findMany({ where: { courseId: course.id }, orderBy: { id: 'asc' } });
    const again = (await importCsv(fixture('rosters/mixed.csv')).expect(200)).body;
    expect(again.counts).toEqual({ created: 0, enrolled: 0, role_changed: 0, unchanged: 8, error: 7 });
    expect(await prisma.enrolment.findMany({ where: { courseId: course.id }, orderBy: { id: 'asc' } })).toEqual(before);
  });

  it('refuses a whole file that cannot be a roster, before writing anything: no identity column, too many rows, not CSV, no body', async () => {
    const users = await prisma.user.count();
    expect((await importCsv(fixture('rosters/no-identity-column.csv')).expect(400)).body).toMatchObject({
      error: 'invalid_input',
      fields: [{ field: 'csv', reason: 'has no email or external_id column in its header: each person needs one of them' }],
    });
    expect((await importCsv(fixture('rosters/too-many-rows.csv')).expect(413)).body).toMatchObject({
      error: 'payload_too_large',
      fields: [{ field: 'csv', reason: 'has more than 1000 rows; split the file, or sync the roster from the LMS' }],
    });
    expect((await importCsv('email,name\n"open@x.test,Unclosed\n').expect(400)).body.fields[0]).toMatchObject({ field: 'csv', reason: expect.stringMatching(/^is not valid CSV/) });
    expect((await http().post(`/api/v1/courses/${course.slug}/members/import`).set(as(instructor.key)).send({}).expect(400)).body.fields[0]).toMatchObject({ field: 'csv' });
    expect((await importCsv('').expect(400)).body.fields[0]).toMatchObject({ field: 'csv' });
    expect(await prisma.user.count()).toBe(users);
  });

  it("is the course's instructors' and admins': not another course's instructor, not a student", async () => {
    const other = await data.newCourse();
    const student = await data.newUser('student');
    await data.enrol(other.id, student.id, 'student');
    await importCsv('email,name\nx@roster-fixture.test,X\n', instructor.key, other.slug).expect(404);
    expect((await importCsv('email,name\nx@roster-fixture.test,X\n', student.key, other.slug).expect(403)).body.message).toMatch(
      /^a student of course .* may not manage the roster/,
    );
    const admin = await data.newUser('admin');
    const byAdmin = (await importCsv('email,name,role\nprof2@roster-fixture.test,Prof Two,instructor\n', admin.key, other.slug).expect(200)).body;
    expect(byAdmin.counts).toMatchObject({ created: 1, error: 0 });
    expect(await prisma.user.findUniqueOrThrow({ where: { email: 'prof2@roster-fixture.test' } })).toMatchObject({ role: 'instructor' });
  });
});
