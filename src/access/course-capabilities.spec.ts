import { COURSE_CAPABILITIES, may, refusal, STAFF_ROLES, type CourseCapability } from './course-capabilities';

describe('course capabilities', () => {
  const allowed = (actor: Parameters<typeof may>[0]) => (Object.keys(COURSE_CAPABILITIES) as CourseCapability[]).filter((c) => may(actor, c));

  it('lets a teaching assistant read and regrade as staff, and nothing that changes the course, its roster, keys or webhooks', () => {
    expect(allowed('ta')).toEqual(['view', 'readAll', 'regrade']);
  });

  it('gives instructors and admins everything, an lms key staff reading, its students and webhooks, students only the course', () => {
    expect(allowed('instructor')).toEqual(Object.keys(COURSE_CAPABILITIES));
    expect(allowed('admin')).toEqual(Object.keys(COURSE_CAPABILITIES));
    expect(allowed('lms')).toEqual(['view', 'readAll', 'regrade', 'manageLmsStudents', 'manageWebhooks']);
    expect(allowed('student')).toEqual(['view']);
    expect(allowed(null)).toEqual([]);
  });

  it('reads instructors and TAs as the staff roles of a course', () => {
    expect(STAFF_ROLES.sort()).toEqual(['instructor', 'ta']);
  });

  it('says who the caller is, what they may not do and who may', () => {
    expect(refusal('ta', 'publish', 'pm')).toBe('a teaching assistant of course "pm" may not publish exercise versions or make one current: only an admin, its instructors may');
  });
});
