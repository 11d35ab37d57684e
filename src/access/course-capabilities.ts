import type { CourseRole } from '../generated/prisma/enums';

/**
 * Who acts in a course: an admin (every course), the course's lms key, or a member by their role
 * on its roster. Someone who is none of these does not see the course at all (404).
 */
export type CourseActor = 'admin' | 'lms' | CourseRole;

/**
 * Every access rule of a course in one place: what may be done, and by whom. Services ask
 * `AccessPolicy.findFor(principal, slug, capability)` or `can(...)` (access-policy.ts); no other
 * code compares course roles. A teaching assistant reads and regrades what the staff read, but does not change
 * what students are graded against, who is on the roster, or what talks to the outside (keys,
 * webhooks, the LMS).
 */
export const COURSE_CAPABILITIES = {
  /** See the course and its published exercises; submit. */
  view: ['admin', 'lms', 'instructor', 'ta', 'student'],
  /** Read as staff: every submission with its code and output, flags, hidden tests' names and detail, versions and their validation, the gradebook, the roster. */
  readAll: ['admin', 'lms', 'instructor', 'ta'],
  /** Grade a submission, or every submission of a version, again. */
  regrade: ['admin', 'lms', 'instructor', 'ta'],
  /** Create the LMS's students by their LMS id and issue their sign-in keys. */
  manageLmsStudents: ['admin', 'lms', 'instructor'],
  /** Register, read and delete webhook endpoints (an lms key: its own). */
  manageWebhooks: ['admin', 'lms', 'instructor'],
  /** Change the course's title or gradebook policy. */
  editCourse: ['admin', 'instructor'],
  /** Publish exercise versions, make a version current, roll back. */
  publish: ['admin', 'instructor'],
  /** Enrol, create (students and TAs), change the role of and remove members; import a roster; sync it from the LMS. */
  manageMembers: ['admin', 'instructor'],
  /** Make API keys for an LMS. */
  manageKeys: ['admin', 'instructor'],
} as const satisfies Record<string, readonly CourseActor[]>;

export type CourseCapability = keyof typeof COURSE_CAPABILITIES;

/** The roles that read a course as staff (readAll), for database filters. */
export const STAFF_ROLES = COURSE_CAPABILITIES.readAll.filter((actor) => actor !== 'admin' && actor !== 'lms') as CourseRole[];

export function may(actor: CourseActor | null, capability: CourseCapability): boolean {
  return !!actor && (COURSE_CAPABILITIES[capability] as readonly CourseActor[]).includes(actor);
}

/** What each capability lets one do, in words, for the reason of a 403. */
const DOING: Record<CourseCapability, string> = {
  view: 'see this course',
  readAll: 'read every submission, the flags and the gradebook',
  regrade: 'regrade submissions',
  manageLmsStudents: 'create LMS students or issue their keys',
  manageWebhooks: 'manage webhooks',
  editCourse: 'change the course',
  publish: 'publish exercise versions or make one current',
  manageMembers: 'manage the roster (enrol, create, change roles, remove, import)',
  manageKeys: 'make lms keys',
};

const WHO: Record<CourseActor, string> = {
  admin: 'an admin',
  lms: 'an lms key',
  instructor: 'an instructor',
  ta: 'a teaching assistant',
  student: 'a student',
};

/** "a teaching assistant of course "x" may not publish …: only its admin and instructors may" */
export function refusal(actor: CourseActor, capability: CourseCapability, slug: string): string {
  const allowed = (COURSE_CAPABILITIES[capability] as readonly CourseActor[]).map((a) =>
    a === 'lms' ? 'its lms key' : a === 'admin' ? 'an admin' : `its ${a === 'ta' ? 'teaching assistants' : `${a}s`}`,
  );
  return `${WHO[actor]} of course "${slug}" may not ${DOING[capability]}: only ${allowed.join(', ')} may`;
}
