import { courseRoleOf } from './lti-roles';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/';

describe('LTI roles to course roles', () => {
  it('makes an Instructor an instructor', () => {
    expect(courseRoleOf([`${LIS}membership#Instructor`, `${LIS}institution/person#Faculty`])).toBe('instructor');
  });

  it('makes a Learner a student, full URI or short name', () => {
    expect(courseRoleOf([`${LIS}membership#Learner`])).toBe('student');
    expect(courseRoleOf(['Learner'])).toBe('student');
  });

  it('makes a teaching assistant a ta, never an instructor who could publish', () => {
    expect(courseRoleOf([`${LIS}membership#Instructor`, `${LIS}membership/Instructor#TeachingAssistant`])).toBe('ta');
    expect(courseRoleOf([`${LIS}membership/Instructor#TeachingAssistant`])).toBe('ta');
    expect(courseRoleOf([`${LIS}membership#TeachingAssistant`])).toBe('ta');
    expect(courseRoleOf(['TeachingAssistant'])).toBe('ta');
    expect(courseRoleOf(['Instructor#TeachingAssistant', 'Learner'])).toBe('ta');
  });

  it('gives no access to a launch with no course role', () => {
    expect(courseRoleOf([`${LIS}system/person#None`])).toBeNull();
    expect(courseRoleOf([])).toBeNull();
  });
});
