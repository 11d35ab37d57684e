import { FIRST_SUBMISSION_PRIORITY, LOWEST_STUDENT_PRIORITY, REGRADE_PRIORITY, submissionPriority } from './grading-priority';

describe('submissionPriority', () => {
  it('puts a first submission first and each resubmission one step behind the previous', () => {
    expect(submissionPriority(0)).toBe(FIRST_SUBMISSION_PRIORITY);
    expect(submissionPriority(1)).toBe(2);
    expect(submissionPriority(9)).toBe(10);
  });

  it('never goes below the lowest student priority, which stays ahead of regrades', () => {
    expect(submissionPriority(5_000)).toBe(LOWEST_STUDENT_PRIORITY);
    expect(LOWEST_STUDENT_PRIORITY).toBeLessThan(REGRADE_PRIORITY);
  });

  it('treats nonsense counts as none', () => {
    expect(submissionPriority(-3)).toBe(1);
    expect(submissionPriority(Number.NaN)).toBe(1);
  });
});
