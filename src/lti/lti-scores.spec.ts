import { commentOf, scoresUrl } from './lti-scores.service';

describe('AGS score details', () => {
  it('posts scores to <line item>/scores, keeping the line item URL’s query', () => {
    expect(scoresUrl('https://lms.example.edu/api/lti/courses/1/line_items/7')).toBe('https://lms.example.edu/api/lti/courses/1/line_items/7/scores');
    expect(scoresUrl('https://lms.example.edu/mod/lti/services.php/2/lineitems/5/lineitem?type_id=3')).toBe(
      'https://lms.example.edu/mod/lti/services.php/2/lineitems/5/lineitem/scores?type_id=3',
    );
    expect(scoresUrl('https://lms.example.edu/li/9/')).toBe('https://lms.example.edu/li/9/scores');
  });

  it('summarises every test in the comment, hidden ones only as passed or failed', () => {
    const comment = commentOf({
      score: 2.5,
      maxScore: 4,
      verdict: 'ok',
      tests: [
        { name: 'no leak', score: 2, maxScore: 2, passed: true, hidden: false },
        { name: 'secret check', score: 0, maxScore: 1, passed: false, hidden: true },
        { name: 'peak memory', score: 0.5, maxScore: 1, passed: false, hidden: false },
      ],
    });
    expect(comment).toBe('memgrade: 2.50/4\n✓ no leak: 2/2\n✗ hidden test 2: failed\n✗ peak memory: 0.50/1');
    expect(comment).not.toContain('secret check');
  });

  it('names a verdict other than ok, and keeps the comment under 1000 characters', () => {
    const tests = Array.from({ length: 200 }, (_, i) => ({ name: `test number ${i}`, score: 0, maxScore: 1, passed: false, hidden: false }));
    const comment = commentOf({ score: 0, maxScore: 200, verdict: 'memory_limit', tests });
    expect(comment.startsWith('memgrade: 0/200 (memory limit)')).toBe(true);
    expect(comment.length).toBeLessThanOrEqual(1000);
  });
});

describe('commentOf with a late submission', () => {
  it('says how late it was and what counts after the penalty', () => {
    const result = { score: 1, maxScore: 1, verdict: 'ok', tests: [{ name: 'imports', score: 1, maxScore: 1, passed: true, hidden: false }] };
    expect(commentOf(result, { daysLate: 3, penaltyPercent: 30 })).toBe('memgrade: 1/1\nlate by 3 days: 30% off, 0.70 counts\n✓ imports: 1/1');
    expect(commentOf(result, { daysLate: 1, penaltyPercent: 0 })).toBe('memgrade: 1/1\nlate by 1 day\n✓ imports: 1/1');
  });
});
