import { gradingAttemptOf, gradingJobId } from './queues';

describe('grading job ids', () => {
  const id = '57f6c4eb-d833-4a3d-b09c-af10f77532dd';

  it('are the submission id first, then numbered, never with ":" (BullMQ refuses it)', () => {
    expect(gradingJobId(id)).toBe(id);
    expect(gradingJobId(id, 2)).toBe(`${id}_2`);
    expect(gradingJobId(id, 2)).not.toContain(':');
  });

  it('give their attempt back', () => {
    expect(gradingAttemptOf(gradingJobId(id))).toBe(0);
    expect(gradingAttemptOf(gradingJobId(id, 3))).toBe(3);
    expect(gradingAttemptOf(null)).toBe(0);
  });
});
