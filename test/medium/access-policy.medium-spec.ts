import { AccessPolicy } from '../../src/access/access-policy';
import { type MediumContext, startMedium } from './medium.factory';

/** AccessPolicy on a real database: who the caller is in a course, and the staff filters that follow from it. */
describe('AccessPolicy', () => {
  let ctx: MediumContext;
  let access: AccessPolicy;

  beforeAll(async () => {
    ctx = await startMedium();
    access = ctx.get(AccessPolicy);
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('takes the actor from the global role for admins and lms keys, and from the roster for everyone else', async () => {
    const course = await ctx.data.newCourse();
    const other = await ctx.data.newCourse();
    const admin = await ctx.newPrincipal('admin');
    const lms = await ctx.newPrincipal('lms', { courseId: course.id });
    const ta = await ctx.newPrincipal('student');
    const outsider = await ctx.newPrincipal('instructor');
    await ctx.data.enrol(course.id, ta.userId, 'ta');

    expect(await access.actorIn(admin.principal, course.id)).toBe('admin');
    expect(await access.actorIn(lms.principal, course.id)).toBe('lms');
    expect(await access.actorIn(lms.principal, other.id)).toBeNull();
    expect(await access.actorIn(ta.principal, course.id)).toBe('ta');
    // A global instructor is nobody in a course they do not teach.
    expect(await access.actorIn(outsider.principal, course.id)).toBeNull();
    expect(await access.canSee(outsider.principal, course.id)).toBe(false);
    expect(await access.can(ta.principal, course.id, 'regrade')).toBe(true);
    expect(await access.can(ta.principal, course.id, 'manageMembers')).toBe(false);
    expect(await access.isEnrolled(ta.userId, course.id)).toBe(true);
    expect(await access.isEnrolled(ta.userId, other.id)).toBe(false);
  });

  it('reads as staff every course for an admin, its own for an lms key, and the courses a person teaches or assists', async () => {
    const taught = await ctx.data.newCourse();
    const assisted = await ctx.data.newCourse();
    const studied = await ctx.data.newCourse();
    const person = await ctx.newPrincipal('instructor');
    await ctx.data.enrol(taught.id, person.userId, 'instructor');
    await ctx.data.enrol(assisted.id, person.userId, 'ta');
    await ctx.data.enrol(studied.id, person.userId, 'student');
    const lms = await ctx.newPrincipal('lms', { courseId: studied.id });
    const admin = await ctx.newPrincipal('admin');

    expect(await access.staffCourseIds(admin.principal)).toBe('all');
    expect(await access.staffCourseIds(lms.principal)).toEqual(new Set([studied.id]));
    expect(await access.staffCourseIds(person.principal)).toEqual(new Set([taught.id, assisted.id]));
    const filtered = await ctx.prisma.course.findMany({
      where: { AND: [access.staffCoursesWhere(person.principal), { id: { in: [taught.id, assisted.id, studied.id] } }] },
      select: { id: true },
    });
    expect(new Set(filtered.map((c) => c.id))).toEqual(new Set([taught.id, assisted.id]));
  });
});
