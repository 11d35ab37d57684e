import type { CourseRole } from '../generated/prisma/enums';

/**
 * LTI roles (LIS vocabulary, full URIs or the short names some platforms send) to a memgrade course role.
 * Instructors, content developers and administrators teach; teaching assistants (membership#TeachingAssistant,
 * or the Instructor sub-role membership/Instructor#TeachingAssistant, even beside Instructor) are `ta`:
 * course staff who see and regrade but cannot publish or manage the roster; everyone else is a student.
 * Returns null when the launch carries no role memgrade gives access to (e.g. only a system role
 * such as "None").
 */
export function courseRoleOf(roles: readonly string[]): CourseRole | null {
  const names = roles.map(roleName);
  if (names.some((name) => TEACHING_ASSISTANT.has(name))) return 'ta';
  if (names.some((name) => TEACHING.has(name))) return 'instructor';
  if (names.some((name) => LEARNING.has(name))) return 'student';
  return null;
}

export const isTeachingAssistant = (roles: readonly string[]) => roles.map(roleName).some((name) => TEACHING_ASSISTANT.has(name));

const TEACHING = new Set([
  'membership#Instructor',
  'membership#ContentDeveloper',
  'membership#Administrator',
  'institution#Administrator',
  'system#Administrator',
  'institution#Faculty',
]);
const TEACHING_ASSISTANT = new Set(['membership/Instructor#TeachingAssistant', 'membership#TeachingAssistant']);
const LEARNING = new Set(['membership#Learner', 'membership/Learner#Learner', 'membership#Member', 'institution#Student', 'institution#Learner', 'membership#Mentor']);

/** "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor" → "membership#Instructor"; short "Instructor" → "membership#Instructor". */
function roleName(role: string): string {
  const lis = /^http:\/\/purl\.imsglobal\.org\/vocab\/lis\/v2\/(.+)$/.exec(role.trim());
  if (lis) return lis[1];
  const short = role.trim();
  if (/^[A-Za-z]+$/.test(short)) return `membership#${short}`;
  if (/^[A-Za-z]+#[A-Za-z]+$/.test(short)) return `membership/${short}`;
  return short;
}
