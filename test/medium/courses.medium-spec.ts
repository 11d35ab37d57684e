import { ApiKeysService } from '../../src/auth/api-keys.service';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../../src/common/errors/domain-errors';
import { AccessPolicy } from '../../src/access/access-policy';
import { CoursesService } from '../../src/courses/courses.service';
import { type MediumContext, startMedium } from './medium.factory';

/** CoursesService on a real database: who sees and manages a course, enrolments, LMS students. */
describe('CoursesService', () => {
  let ctx: MediumContext;
  let courses: CoursesService;
  let access: AccessPolicy;

  beforeAll(async () => {
    ctx = await startMedium();
    courses = ctx.get(CoursesService);
    access = ctx.get(AccessPolicy);
  });

  afterAll(async () => {
    await ctx?.close();
  });

  const slug = () => `course-${Math.random().toString(36).slice(2, 10)}`;

  it('enrols the instructor who creates a course as its instructor; an admin who creates one is not enrolled', async () => {
    const instructor = await ctx.newPrincipal('instructor');
    const admin = await ctx.newPrincipal('admin');
    const taught = await courses.create(instructor.principal, { slug: slug(), title: 'Taught' });
    const administered = await courses.create(admin.principal, { slug: slug(), title: 'Administered' });

    const enrolments = await ctx.prisma.enrolment.findMany({ where: { course: { slug: { in: [taught.slug, administered.slug] } } }, include: { course: true } });
    expect(enrolments.map((e) => ({ course: e.course.slug, userId: e.userId, role: e.role }))).toEqual([{ course: taught.slug, userId: instructor.userId, role: 'instructor' }]);
    expect(await access.canReadAll(instructor.principal, enrolments[0].courseId)).toBe(true);
  });

  it('refuses a second course with a taken slug as a conflict on the slug field', async () => {
    const admin = await ctx.newPrincipal('admin');
    const taken = slug();
    await courses.create(admin.principal, { slug: taken, title: 'First' });
    const second = courses.create(admin.principal, { slug: taken, title: 'Second' });
    await expect(second).rejects.toBeInstanceOf(ConflictError);
    await expect(second).rejects.toMatchObject({ problems: [{ field: 'slug', reason: 'is already taken' }] });
  });

  it('answers "does not exist" to someone outside a course, so its slug does not leak, and lets each role see what it may', async () => {
    const course = await ctx.data.newCourse();
    const other = await ctx.data.newCourse();
    const student = await ctx.newPrincipal('student');
    const outsider = await ctx.newPrincipal('student');
    const admin = await ctx.newPrincipal('admin');
    const lms = await ctx.newPrincipal('lms', { courseId: course.id });
    await ctx.data.enrol(course.id, student.userId, 'student');

    await expect(access.findVisible(outsider.principal, course.slug)).rejects.toBeInstanceOf(NotFoundError);
    await expect(access.findVisible(outsider.principal, 'no-such-course-at-all')).rejects.toBeInstanceOf(NotFoundError);
    expect((await access.findVisible(student.principal, course.slug)).id).toBe(course.id);
    expect((await access.findVisible(admin.principal, other.slug)).id).toBe(other.id);
    expect((await access.findVisible(lms.principal, course.slug)).id).toBe(course.id);
    await expect(access.findVisible(lms.principal, other.slug)).rejects.toBeInstanceOf(NotFoundError);

    const listed = async (who: { principal: typeof admin.principal }) =>
      (await courses.list(who.principal)).map((c) => c.slug).filter((s) => [course.slug, other.slug].includes(s));
    expect(await listed(student)).toEqual([course.slug]);
    expect(await listed(outsider)).toEqual([]);
    expect(await listed(lms)).toEqual([course.slug]);
    expect((await listed(admin)).sort()).toEqual([course.slug, other.slug].sort());
  });

  it('lets the staff manage a course (admin, its instructors, its lms key) and forbids its students; only people may teach', async () => {
    const course = await ctx.data.newCourse();
    const student = await ctx.newPrincipal('student');
    const instructor = await ctx.newPrincipal('instructor');
    const lms = await ctx.newPrincipal('lms', { courseId: course.id });
    await ctx.data.enrol(course.id, student.userId, 'student');
    await ctx.data.enrol(course.id, instructor.userId, 'instructor');

    await expect(access.findFor(student.principal, course.slug, 'readAll')).rejects.toBeInstanceOf(ForbiddenError);
    expect((await access.findFor(instructor.principal, course.slug, 'readAll')).id).toBe(course.id);
    expect((await access.findFor(lms.principal, course.slug, 'readAll')).id).toBe(course.id);
    expect((await access.findFor(instructor.principal, course.slug, 'publish')).id).toBe(course.id);
    await expect(access.findFor(lms.principal, course.slug, 'publish')).rejects.toBeInstanceOf(ForbiddenError);
    await expect(courses.update(student.principal, course.slug, { title: 'Mine now' })).rejects.toBeInstanceOf(ForbiddenError);
    expect(await courses.update(instructor.principal, course.slug, { gradebookPolicy: 'latest' })).toMatchObject({ slug: course.slug, gradebookPolicy: 'latest' });
  });

  it('enrols a person once, refuses unknown users and lms identities by field, and unenrols', async () => {
    const course = await ctx.data.newCourse();
    const admin = await ctx.newPrincipal('admin');
    const student = await ctx.newPrincipal('student');
    const lms = await ctx.newPrincipal('lms', { courseId: course.id });

    const enrolment = await courses.enrol(admin.principal, course.slug, { userId: student.userId, role: 'student' });
    expect(enrolment).toMatchObject({ role: 'student' });
    await expect(courses.enrol(admin.principal, course.slug, { userId: student.userId, role: 'instructor' })).rejects.toMatchObject({
      constructor: ConflictError,
      problems: [{ field: 'userId', reason: 'is already enrolled' }],
    });
    await expect(courses.enrol(admin.principal, course.slug, { userId: '00000000-0000-4000-8000-000000000000', role: 'student' })).rejects.toMatchObject({
      constructor: InvalidInputError,
      problems: [{ field: 'userId', reason: 'is not the id of a user' }],
    });
    await expect(courses.enrol(admin.principal, course.slug, { userId: lms.userId, role: 'student' })).rejects.toBeInstanceOf(InvalidInputError);
    expect((await courses.enrolments(admin.principal, course.slug)).length).toBe(1);

    await courses.unenrol(admin.principal, course.slug, student.userId);
    expect(await ctx.prisma.enrolment.count({ where: { courseId: course.id } })).toBe(0);
    await expect(courses.unenrol(admin.principal, course.slug, student.userId)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('creates an LMS student enrolled in the course on first sight, and finds the same one after, even when asked at once', async () => {
    const course = await ctx.data.newCourse();
    const lms = await ctx.newPrincipal('lms', { courseId: course.id });
    const dto = { externalId: `lms-${Math.random().toString(36).slice(2, 8)}`, displayName: 'Grace Hopper' };

    const racing = await Promise.all(Array.from({ length: 5 }, () => courses.ensureLmsStudent(lms.principal, course.slug, dto)));
    expect(new Set(racing.map((r) => r.student.id)).size).toBe(1);
    expect(racing.filter((r) => r.created)).toHaveLength(1);
    const again = await courses.ensureLmsStudent(lms.principal, course.slug, dto);
    expect(again).toMatchObject({ created: false, student: { id: racing[0].student.id } });

    const enrolment = await ctx.prisma.enrolment.findUniqueOrThrow({ where: { courseId_userId: { courseId: course.id, userId: again.student.id } } });
    expect(enrolment.role).toBe('student');
    expect(await courses.lmsStudentId(course, dto.externalId)).toBe(again.student.id);
    await expect(courses.lmsStudentId(course, 'never-seen')).rejects.toMatchObject({ constructor: NotFoundError, problems: [{ field: 'student' }] });
  });

  it('issues an lms key that authenticates as the lms of that one course, and a sign-in key for an LMS student bound to that course', async () => {
    const course = await ctx.data.newCourse();
    const instructor = await ctx.newPrincipal('instructor');
    await ctx.data.enrol(course.id, instructor.userId, 'instructor');
    const issued = await courses.createLmsKey(instructor.principal, course.slug, 'Moodle');
    const lms = await ctx.get(ApiKeysService).authenticate(issued.secret);
    expect(lms).toMatchObject({ role: 'lms', courseId: course.id });

    await courses.ensureLmsStudent(lms!, course.slug, { externalId: 'ada', displayName: 'Ada' });
    const studentKey = await courses.issueLmsStudentKey(lms!, course.slug, 'ada');
    expect(await ctx.get(ApiKeysService).authenticate(studentKey.secret)).toMatchObject({
      role: 'student',
      userId: await courses.lmsStudentId(course, 'ada'),
      courseId: course.id,
    });
  });

  it('revokes one sign-in key of an LMS student with the keys made from it, or all of them, and ends them with the enrolment', async () => {
    const course = await ctx.data.newCourse();
    const lms = await ctx.newPrincipal('lms', { courseId: course.id });
    const keys = ctx.get(ApiKeysService);
    const { student } = await courses.ensureLmsStudent(lms.principal, course.slug, { externalId: 'lin', displayName: 'Lin' });
    const link = await courses.issueLmsStudentKey(lms.principal, course.slug, 'lin');
    const madeWithLink = await keys.issue(student.id, 'made with the link', { courseId: course.id, issuedByKeyId: link.id });
    const madeFromThat = await keys.issue(student.id, 'made with that', { courseId: course.id, issuedByKeyId: madeWithLink.id });
    const otherLink = await courses.issueLmsStudentKey(lms.principal, course.slug, 'lin');

    expect(await courses.revokeLmsStudentKeys(lms.principal, course.slug, 'lin', link.id)).toEqual({ revoked: 3 });
    for (const secret of [link.secret, madeWithLink.secret, madeFromThat.secret]) expect(await keys.authenticate(secret)).toBeNull();
    expect(await keys.authenticate(otherLink.secret)).toMatchObject({ userId: student.id });
    await expect(courses.revokeLmsStudentKeys(lms.principal, course.slug, 'lin', '00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
      constructor: NotFoundError,
      problems: [{ field: 'keyId' }],
    });
    await expect(courses.revokeLmsStudentKeys(lms.principal, course.slug, 'nobody')).rejects.toMatchObject({ constructor: NotFoundError, problems: [{ field: 'externalId' }] });
    expect(await courses.revokeLmsStudentKeys(lms.principal, course.slug, 'lin')).toEqual({ revoked: 1 });

    const again = await courses.issueLmsStudentKey(lms.principal, course.slug, 'lin');
    const admin = await ctx.newPrincipal('admin');
    await courses.unenrol(admin.principal, course.slug, student.id);
    expect(await keys.authenticate(again.secret)).toBeNull();
    // Removed from the roster: the LMS cannot bring them back by itself, nor get them a key.
    await expect(courses.ensureLmsStudent(lms.principal, course.slug, { externalId: 'lin', displayName: 'Lin' })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(courses.issueLmsStudentKey(lms.principal, course.slug, 'lin')).rejects.toBeInstanceOf(NotFoundError);
  });

  it("takes the LMS student's name and email from the LMS each time, and refuses an email another user has", async () => {
    const course = await ctx.data.newCourse();
    const lms = await ctx.newPrincipal('lms', { courseId: course.id });
    const externalId = `lms-${Math.random().toString(36).slice(2, 8)}`;
    const { student } = await courses.ensureLmsStudent(lms.principal, course.slug, { externalId, displayName: 'Ada' });
    const email = `${externalId}@example.edu`;
    expect(await courses.ensureLmsStudent(lms.principal, course.slug, { externalId, displayName: 'Ada Lovelace', email })).toMatchObject({
      created: false,
      student: { id: student.id, displayName: 'Ada Lovelace', email },
    });
    const other = await courses.ensureLmsStudent(lms.principal, course.slug, { externalId: `${externalId}-2`, displayName: 'Other' });
    await expect(courses.ensureLmsStudent(lms.principal, course.slug, { externalId: `${externalId}-2`, displayName: 'Other', email })).rejects.toMatchObject({
      constructor: ConflictError,
      problems: [{ field: 'email' }],
    });
    expect(await ctx.prisma.user.findUniqueOrThrow({ where: { id: other.student.id } })).toMatchObject({ email: null });
  });
});
